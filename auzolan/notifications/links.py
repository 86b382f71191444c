"""The addresses notification e-mails carry: absolute links to the platform and the signed one-click unsubscribe
token (made for one person, read back without a login)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.core.http import public_url

#: An unsubscribe link works for this long (seconds).
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 90
UNSUBSCRIBE_SALT = "auzolan.notifications.unsubscribe"


def absolute_url(path: str) -> str:
    """`path` on the platform's public address (an address that is already absolute, or none, is kept)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return public_url(path)


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_from_unsubscribe_token(token: str):
    """The person an unsubscribe token was made for; ValidationError if it is tampered with, expired or stale."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("Ce lien de désabonnement a expiré. Connectez-vous pour changer vos préférences."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Ce lien de désabonnement n'est pas valide."), code="bad-token") from None
    user = get_user_model().objects.filter(pk=data.get("u") if isinstance(data, dict) else None).first()
    if user is None or not user.is_active:
        raise ValidationError(_("Ce lien de désabonnement n'est pas valide."), code="bad-token")
    return user
