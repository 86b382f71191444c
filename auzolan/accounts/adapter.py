from allauth.account.adapter import DefaultAccountAdapter

from auzolan.core.audit import audit_log


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "").strip()
        user.territory_role = data.get("territory_role") or user.territory_role
        if commit:
            user.save()
            audit_log(actor=user, action="accounts.user.signed_up", obj=user)
        return user
