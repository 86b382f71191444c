"""The back office for people (/back-office/, agency staff only)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from auzolan.accounts.models import ApiToken, User
from auzolan.accounts.services import api_token_revoke, user_delete
from auzolan.core.errors import ApplicationError


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "territory_role")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Une personne utilise déjà cette adresse."))
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Une personne utilise déjà cette adresse."))
        return email


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "territory_role", "is_staff", "is_active", "date_joined")
    list_filter = ("territory_role", "is_staff", "is_active", "is_superuser", "is_demo", "groups")
    search_fields = ("email", "full_name")
    ordering = ("-date_joined",)
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined", "deleted_at", "is_demo")
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profil"), {"fields": ("full_name", "territory_role")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "deleted_at", "is_demo")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "territory_role", "usable_password", "password1", "password2"),
            },
        ),
    )

    # Deleting a person goes through the service: their contributions stay, signed "Compte supprimé".
    def delete_model(self, request, obj):
        try:
            user_delete(actor=request.user, user=obj)
        except ApplicationError as error:
            self.message_user(request, f"{obj.email} : {error.message}", level=messages.ERROR)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


@admin.action(description=_("Révoquer les jetons choisis"))
def revoke_api_tokens(modeladmin, request, queryset):
    count = 0
    for token in queryset.filter(revoked_at__isnull=True):
        try:
            api_token_revoke(actor=request.user, token=token)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{token} : {error.message}", messages.WARNING)
        else:
            count += 1
    if count:
        modeladmin.message_user(
            request,
            ngettext("%(count)d jeton révoqué.", "%(count)d jetons révoqués.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Personal API tokens: agency staff see them (never the token: only its hash is stored) and revoke a leaked one."""

    list_display = ("name", "user", "display_prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    actions = (revoke_api_tokens,)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False  # created by their owner, at /moi/jetons-api/

    def has_change_permission(self, request, obj=None):
        # The list and its revoke action; the change form is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
