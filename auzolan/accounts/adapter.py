from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails with what the platform's templates (templates/account/email/) name: the platform, its
        address, how long a confirmation link lasts and where to log in."""
        request = context.get("request") or self.request
        root = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL
        context = {
            "platform_name": settings.PLATFORM_NAME,
            "site_url": root + "/",
            "login_url": root + reverse("account_login"),
            "expiration_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            **context,
        }
        super().send_mail(template_prefix, email, context)
