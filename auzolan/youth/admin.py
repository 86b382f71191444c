"""Back office for youth: read-only lists for agency staff (writes go through the pages, i.e. the services)."""

from django.contrib import admin

from auzolan.youth.models import Action, Partnership


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "since", "is_public")
    list_filter = ("is_public", "organisation__kind")
    search_fields = ("organisation__name",)


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "decided_by", "decided_on", "status", "is_public")
    list_filter = ("status", "is_public")
