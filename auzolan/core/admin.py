"""Back office of core: the audit log and background jobs, read only."""

from django.contrib import admin

from auzolan.core.models import AuditLogEntry, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "organisation", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type", "organisation")
    search_fields = ("action", "object_repr", "object_id", "actor__email", "actor__full_name", "organisation__name")
    list_select_related = ("actor", "organisation")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("label", "kind", "owner", "state", "progress_done", "progress_total", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("label", "kind", "owner__email")
    list_select_related = ("owner",)
    readonly_fields = [f.name for f in Job._meta.fields]
