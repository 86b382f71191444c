"""The back office shows experiments and decisions read-only (writes go through the pages and their services). Codes
and answers are not shown: nobody needs to browse them one by one."""

from django.contrib import admin

from auzolan.impact.models import Decision, Experiment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "state", "results_public", "created_at")
    list_filter = ("state", "results_public")
    search_fields = ("title", "slug")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("experiment", "outcome", "decided_on", "decided_by_name")
    list_filter = ("outcome",)
    exclude = ("report",)
