"""Demo accounts, one per role in the territory (loaded by `manage.py load_demo`)."""

from allauth.account.models import EmailAddress

from auzolan.accounts.models import TerritoryRole, User

ORDER = 10
DEMO_PASSWORD = "demo-auzolan-2026"
DEMO_DOMAIN = "demo.auzolan.fr"

# (local part, full name, role, agency staff)
DEMO_USERS = [
    ("operateur", "Maite Etxeberri", TerritoryRole.AGENCY, True),
    ("elu", "Battittu Irigoien", TerritoryRole.ELECTED, False),
    ("agent", "Amaia Larralde", TerritoryRole.AGENT, False),
    ("enseignant", "Xabi Ospital", TerritoryRole.TEACHER, False),
    ("parent", "Nadia Haritxelar", TerritoryRole.GUARDIAN, False),
    ("jeune", "Lea Etxegarai", TerritoryRole.STUDENT, False),
    ("habitant", "Paul Bergara", TerritoryRole.CITIZEN, False),
    ("partenaire", "Sophie Dufau", TerritoryRole.PARTNER, False),
]


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def ensure_demo_user(*, local_part: str, full_name: str, role: str, staff: bool = False) -> User:
    """Create a demo account once; never change an existing one (loading twice changes nothing)."""
    email = demo_email(local_part)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            territory_role=role,
            is_staff=staff,
            is_superuser=staff,
            is_demo=True,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def load(*, stdout) -> list[str]:
    for local_part, full_name, role, staff in DEMO_USERS:
        ensure_demo_user(local_part=local_part, full_name=full_name, role=role, staff=staff)
    lines = ["", f"Comptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD}) :"]
    for local_part, _full_name, role, staff in DEMO_USERS:
        note = " — équipe de l'agence, accès au back office /back-office/" if staff else ""
        lines.append(f"  {demo_email(local_part):<32} {TerritoryRole(role).label}{note}")
    return lines
