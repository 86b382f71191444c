"""Back office of participation (agency staff): guides are edited here too; processes, districts and census
lists are read here and changed through the organisations' screens and the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from auzolan.core.errors import ApplicationError
from auzolan.participation.models import CensusList, District, Guide, Phase, Process, ProcessTransition, Residency
from auzolan.participation.services import guides as guide_services
from auzolan.participation.services import processes as process_services


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhaseInline(ReadOnlyMixin, admin.TabularInline):
    model = Phase
    fields = ("kind", "title", "start_at", "end_at", "verification")
    extra = 0


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = ProcessTransition
    fields = ("from_state", "to_state", "actor", "at")
    readonly_fields = fields  # `at` is not editable: a form with it fails (a 500 on every process's page)
    extra = 0


@admin.register(Process)
class ProcessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "organisation", "template", "state", "published_at")
    list_filter = ("state", "template", "theme")
    search_fields = ("title", "slug", "organisation__name")
    exclude = ("secret",)
    inlines = [PhaseInline, TransitionInline]
    actions = ["close_processes", "archive_processes"]

    def has_change_permission(self, request, obj=None):
        # Read-only form, but the list actions (which call the services) need the change permission.
        return obj is None and request.user.is_staff

    def _run(self, request, queryset, service, done):
        for process in queryset:
            try:
                service(actor=request.user, process=process)
            except ApplicationError as error:
                self.message_user(request, f"{process} : {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{process} : {done}", messages.SUCCESS)

    @admin.action(description=_("Clore les démarches choisies"))
    def close_processes(self, request, queryset):
        self._run(request, queryset, process_services.process_close, _("close."))

    @admin.action(description=_("Archiver les démarches choisies"))
    def archive_processes(self, request, queryset):
        self._run(request, queryset, process_services.process_archive, _("archivée."))


@admin.register(District)
class DistrictAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "organisation", "postal_codes")
    search_fields = ("name", "organisation__name")


@admin.register(CensusList)
class CensusListAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("organisation", "uploaded_at", "entries_count", "identifiers", "is_active")
    exclude = ("secret",)


@admin.register(Residency)
class ResidencyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "method", "verified_at")
    list_filter = ("method",)
    exclude = ("census_entry",)


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ("title", "position", "related_template", "updated_at")
    search_fields = ("title", "body")
    fields = ("title", "slug", "summary", "body", "position", "related_template")
    readonly_fields = ("slug",)

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj else ()

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name, getattr(obj, name)) for name in guide_services.GUIDE_FIELDS}
        try:
            if change:
                guide_services.guide_update(actor=request.user, guide=obj, **data)
            else:
                created = guide_services.guide_create(
                    actor=request.user, slug=form.cleaned_data.get("slug", ""), **data
                )
                obj.pk = created.pk
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
