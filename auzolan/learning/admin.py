"""Back office (agency staff): the competence frameworks (read-only: they are loaded from files), topics, paths and
their items, the partner organisations authorised to write modules (through the service), and modules read-only (they
are written on the editors' pages, `/formation/gestion/`). A person's progress, quiz attempts and feedback are not in
the back office: a person's progress is theirs (editors see feedback aggregated)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from auzolan.learning import services
from auzolan.learning.models import Attestation, AuthorisedEditor, Competence, Framework, Module, Path, PathItem, Topic


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "version")


@admin.register(Competence)
class CompetenceAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "framework")
    list_filter = ("framework",)
    list_select_related = ("framework",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "position")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("competences",)


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ("title", "topic", "state", "level", "minutes", "organisation", "revision")
    list_filter = ("state", "level", "topic")
    search_fields = ("title", "slug")
    list_select_related = ("topic", "organisation")


class PathItemInline(admin.TabularInline):
    model = PathItem
    extra = 1
    raw_id_fields = ("module",)


@admin.register(Path)
class PathAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "published", "position")
    list_filter = ("audience", "published")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PathItemInline]


@admin.register(AuthorisedEditor)
class AuthorisedEditorAdmin(admin.ModelAdmin):
    """Staff authorise a partner organisation: its editors may then write modules for it."""

    list_display = ("organisation", "authorised_by", "created_at")
    fields = ("organisation",)
    raw_id_fields = ("organisation",)
    list_select_related = ("organisation", "authorised_by")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        authorisation = services.editor_authorise(actor=request.user, organisation=obj.organisation)
        obj.pk = authorisation.pk

    def delete_model(self, request, obj):
        services.editor_revoke(actor=request.user, organisation=obj.organisation)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("organisation"):
            services.editor_revoke(actor=request.user, organisation=obj.organisation)


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    """Attestations are issued by the platform and never edited (the PDF's code signs their facts); staff may only
    revoke one (the verification page then says "révoquée")."""

    list_display = ("public_id", "path_title", "completed_on", "issued_at", "revoked_at", "erased_at")
    list_filter = ("revoked_at", "erased_at")
    search_fields = ("public_id",)
    actions = ["revoke"]

    @admin.action(description=_("Révoquer les attestations choisies"))
    def revoke(self, request, queryset):
        for attestation in queryset:
            services.attestation_revoke(actor=request.user, attestation=attestation, reason=_("Révoquée par l'agence."))
        self.message_user(request, _("Attestations révoquées."))
