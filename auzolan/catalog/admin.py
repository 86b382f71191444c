"""Back office of the catalogue (agency staff). Datasets and resources are changed through the publishing pages
and the services; here they are read, and moved along their lifecycle with actions that call the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from auzolan.catalog import services
from auzolan.catalog.models import (
    Dataset,
    DatasetTheme,
    Keyword,
    Resource,
    ResourceVersion,
    Reuse,
    ReuseLink,
    TableSchema,
)
from auzolan.core.errors import ApplicationError


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TableSchema)
class TableSchemaAdmin(admin.ModelAdmin):
    list_display = ("title", "name", "version", "is_scdl", "organisation")
    list_filter = ("is_scdl",)
    search_fields = ("name", "title")
    readonly_fields = ("created_at", "updated_at")
    autocomplete_fields = ("organisation",)


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class DatasetThemeInline(ReadOnlyMixin, admin.TabularInline):
    model = DatasetTheme
    extra = 0
    fields = ("code",)
    readonly_fields = ("code",)


class ResourceInline(ReadOnlyMixin, admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("title", "kind", "format", "url", "current_version", "updated_at")
    readonly_fields = fields
    show_change_link = True


def _transition(modeladmin, request, queryset, to: str, done):
    count = 0
    for dataset in queryset:
        try:
            services.dataset_transition(actor=request.user, dataset=dataset, to=to)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{dataset.title} : {error.message}", messages.WARNING)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Publier les jeux de données choisis"))
def publish_datasets(modeladmin, request, queryset):
    _transition(
        modeladmin,
        request,
        queryset,
        "published",
        lambda n: ngettext("%(count)d jeu de données publié.", "%(count)d jeux de données publiés.", n),
    )


@admin.action(description=_("Repasser en brouillon les jeux de données choisis"))
def unpublish_datasets(modeladmin, request, queryset):
    _transition(
        modeladmin,
        request,
        queryset,
        "draft",
        lambda n: ngettext(
            "%(count)d jeu de données repassé en brouillon.", "%(count)d jeux de données repassés en brouillon.", n
        ),
    )


@admin.action(description=_("Archiver les jeux de données choisis"))
def archive_datasets(modeladmin, request, queryset):
    _transition(
        modeladmin,
        request,
        queryset,
        "archived",
        lambda n: ngettext("%(count)d jeu de données archivé.", "%(count)d jeux de données archivés.", n),
    )


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "state", "quality_score", "last_modified")
    list_filter = ("state", "licence", "frequency", "schema", "organisation")
    search_fields = ("title", "slug", "identifier", "organisation__name")
    list_select_related = ("organisation",)
    date_hierarchy = "last_modified"
    inlines = (DatasetThemeInline, ResourceInline)
    actions = (publish_datasets, unpublish_datasets, archive_datasets)
    readonly_fields = [field.name for field in Dataset._meta.fields] + ["keywords", "communes"]

    def has_add_permission(self, request):
        return False  # created through /publier/ (dataset_create)

    def has_change_permission(self, request, obj=None):
        # The list and its lifecycle actions; the change form is read-only (edits go through /publier/).
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ResourceVersionInline(ReadOnlyMixin, admin.TabularInline):
    model = ResourceVersion
    extra = 0
    fields = ("number", "original_name", "size", "sha256", "uploaded_by", "created_at")
    readonly_fields = fields


@admin.register(Resource)
class ResourceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "dataset", "kind", "format", "updated_at")
    list_filter = ("kind", "format")
    search_fields = ("title", "identifier", "dataset__title")
    list_select_related = ("dataset",)
    inlines = (ResourceVersionInline,)


@admin.register(ResourceVersion)
class ResourceVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("resource", "number", "original_name", "size", "uploaded_by", "created_at")
    search_fields = ("resource__title", "original_name", "sha256")
    list_select_related = ("resource", "uploaded_by")


class ReuseLinkInline(ReadOnlyMixin, admin.TabularInline):
    model = ReuseLink
    extra = 0
    fields = ("dataset", "state", "moderated_by", "moderated_at", "reason")
    readonly_fields = fields


@admin.register(Reuse)
class ReuseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "submitted_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "url")
    list_select_related = ("submitted_by",)
    inlines = (ReuseLinkInline,)


@admin.register(ReuseLink)
class ReuseLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("reuse", "dataset", "state", "moderated_at")
    list_filter = ("state",)
    list_select_related = ("reuse", "dataset")
