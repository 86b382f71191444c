"""Back office of the territory and organisations. Writes go through the services where practical."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError
from auzolan.organisations import services
from auzolan.organisations.models import Commune, Membership, Organisation, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "siren", "slug", "updated_at")
    search_fields = ("name", "siren")
    readonly_fields = ("created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False  # communes and organisations depend on it; reload with `manage.py load_territory`


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    """Communes come from the official files (`manage.py load_territory`): read mostly."""

    list_display = ("name", "insee_code", "population", "department", "territory")
    list_filter = ("territory", "department")
    search_fields = ("name", "insee_code", "siren")
    readonly_fields = ("territory", "insee_code", "siren", "population", "population_municipal", "population_year")
    ordering = ("name",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "state", "is_referent")
    autocomplete_fields = ("user",)
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "college", "membership_status", "member_since", "population")
    list_filter = ("kind", "college", "membership_status", "territory")
    search_fields = ("name", "slug", "siren", "siret", "communes__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("communes",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (MembershipInline,)
    date_hierarchy = "member_since"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        """The admin writes itself (slug, communes), then records the change in the audit log as a service does."""
        try:
            super().save_model(request, obj, form, change)
        except ApplicationError as error:  # pragma: no cover - model save raises no domain error today
            raise DjangoValidationError(error.message) from error
        audit_log(
            actor=request.user,
            action="organisations.organisation.updated" if change else "organisations.organisation.created",
            obj=obj,
            organisation=obj,
            data={"changed": form.changed_data, "source": "admin"},
        )

    def delete_model(self, request, obj):
        audit_log(actor=request.user, action="organisations.organisation.deleted", obj=obj, data={"source": "admin"})
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Membership changes from the inline: audit-logged, and the last administrator is protected."""
        instances = formset.save(commit=False)
        organisation = form.instance
        for membership in formset.deleted_objects:
            try:
                services.membership_remove(actor=request.user, membership=membership)
            except ApplicationError as error:
                messages.error(request, error.message)
        for membership in instances:
            created = membership.pk is None
            membership.save()
            audit_log(
                actor=request.user,
                action="organisations.membership.added" if created else "organisations.membership.changed",
                obj=membership,
                organisation=organisation,
                data={"role": membership.role, "state": membership.state, "source": "admin"},
            )
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "state", "is_referent", "created_at")
    list_filter = ("role", "state", "is_referent", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="organisations.membership.changed" if change else "organisations.membership.added",
            obj=obj,
            organisation=obj.organisation,
            data={"role": obj.role, "state": obj.state, "source": "admin"},
        )

    def delete_model(self, request, obj):
        try:
            services.membership_remove(actor=request.user, membership=obj)
        except ApplicationError as error:
            messages.error(request, error.message)
