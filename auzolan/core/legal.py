"""Who runs the platform, as the legal notice, the privacy page and the accessibility statement name it.

The values come from settings (config/env.py: AGENCY_*, HOSTING_PROVIDER, ACCESSIBILITY_STATEMENT_DATE). A value
that is not set is left out of the pages — a visitor never reads a placeholder — and `manage.py check --deploy`
warns about it (check `auzolan.W001`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import checks

#: The settings a real installation must fill for its legal pages to be complete.
REQUIRED_SETTINGS = (
    "AGENCY_NAME",
    "AGENCY_ADDRESS",
    "AGENCY_SIREN",
    "AGENCY_EMAIL",
    "AGENCY_PUBLICATION_DIRECTOR",
    "HOSTING_PROVIDER",
    "ACCESSIBILITY_STATEMENT_DATE",
)


@dataclass(frozen=True)
class Operator:
    name: str
    legal_form: str
    address: str
    siren: str
    email: str
    phone: str
    publication_director: str
    dpo_email: str
    hosting_provider: str
    statement_date: datetime.date | None
    missing: tuple[str, ...]


def operator() -> Operator:
    """The operator's identity from the settings; `missing` names the required settings left empty."""
    email = settings.AGENCY_EMAIL.strip()
    return Operator(
        name=settings.AGENCY_NAME.strip(),
        legal_form=settings.AGENCY_LEGAL_FORM.strip(),
        address=settings.AGENCY_ADDRESS.strip(),
        siren=settings.AGENCY_SIREN.strip(),
        email=email,
        phone=settings.AGENCY_PHONE.strip(),
        publication_director=settings.AGENCY_PUBLICATION_DIRECTOR.strip(),
        dpo_email=settings.AGENCY_DPO_EMAIL.strip() or email,
        hosting_provider=settings.HOSTING_PROVIDER.strip(),
        statement_date=settings.ACCESSIBILITY_STATEMENT_DATE,
        missing=missing_settings(),
    )


def missing_settings() -> tuple[str, ...]:
    def empty(value) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    return tuple(name for name in REQUIRED_SETTINGS if empty(getattr(settings, name, None)))


def check_operator_identity(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The deployment check `auzolan.W001` (registered in `core.hooks`)."""
    missing = missing_settings()
    if not missing:
        return []
    return [
        checks.Warning(
            f"The legal notice, privacy page and accessibility statement lack: {', '.join(missing)}.",
            hint="Set them in the environment or .env (docs/environment.md); empty values are left out of the pages.",
            id="auzolan.W001",
        )
    ]
