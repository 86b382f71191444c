from allauth.account.adapter import DefaultAccountAdapter

from auzolan.accounts.services import territory_role_check
from auzolan.core.audit import audit_log


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        role = data.get("territory_role") or user.territory_role
        # A person signing up declares a role a visitor may claim (the form offers no other; this is the rule).
        territory_role_check(actor=None, role=role)
        user = super().save_user(request, user, form, commit=False)
        user.full_name = data.get("full_name", "").strip()
        user.territory_role = role
        if commit:
            user.save()
            audit_log(actor=user, action="accounts.user.signed_up", obj=user)
        return user
