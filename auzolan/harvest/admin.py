"""Back office (agency staff): harvest sources, runs and records, read-only except a source's settings."""

from django.contrib import admin

from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "url", "schedule", "active", "last_run_at")
    list_filter = ("kind", "schedule", "active")
    search_fields = ("name", "url", "organisation__name")
    readonly_fields = ("organisation", "kind", "url", "config", "created_by", "last_run_at")
    list_select_related = ("organisation",)

    def has_add_permission(self, request):  # sources are created on the organisation's pages (address checked)
        return False


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    list_display = ("source", "created_at", "state", "dry_run", "created", "updated", "unchanged", "archived", "failed")
    list_filter = ("state", "dry_run")
    list_select_related = ("source",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HarvestRecord)
class HarvestRecordAdmin(admin.ModelAdmin):
    list_display = ("remote_id", "title", "source", "state", "missing_runs", "harvested_at")
    list_filter = ("state",)
    search_fields = ("remote_id", "title")
    list_select_related = ("source",)
    raw_id_fields = ("dataset", "last_seen_run")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
