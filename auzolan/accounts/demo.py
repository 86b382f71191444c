"""Demo accounts, one per role in the territory (loaded by `manage.py load_demo`)."""

from allauth.account.models import EmailAddress

from auzolan.accounts.models import TerritoryRole, User

ORDER = 10
DEMO_PASSWORD = "demo-auzolan-2026"
DEMO_DOMAIN = "demo.auzolan.fr"

PARTICIPATE = "participer : idées, soutiens, consultation (/participer/)"

# (local part, full name, role, agency staff, what to try with it)
DEMO_USERS = [
    (
        "operateur",
        "Maite Etxeberri",
        TerritoryRole.AGENCY,
        True,
        "le back office /back-office/ (personnes, organisations, journal des actions) ; tout voir, tout modérer",
    ),
    (
        "elu",
        "Battittu Irigoien",
        TerritoryRole.ELECTED,
        False,
        "administre la commune de Bayonne : ses membres, ses démarches participatives (/participer/gerer/)",
    ),
    (
        "agent",
        "Amaia Larralde",
        TerritoryRole.AGENT,
        False,
        "publie pour Bayonne : créer un jeu de données, déposer un fichier, le valider (/publier/)",
    ),
    (
        "enseignant",
        "Xabi Ospital",
        TerritoryRole.TEACHER,
        False,
        "administre le lycée partenaire : sa page et ses membres (/organisations/)",
    ),
    ("parent", "Nadia Haritxelar", TerritoryRole.GUARDIAN, False, PARTICIPATE),
    ("jeune", "Lea Etxegarai", TerritoryRole.STUDENT, False, PARTICIPATE),
    (
        "habitant",
        "Paul Bergara",
        TerritoryRole.CITIZEN,
        False,
        "proposer une idée, soutenir, commenter, répondre à la consultation de Bayonne (/participer/)",
    ),
    (
        "partenaire",
        "Sophie Dufau",
        TerritoryRole.PARTNER,
        False,
        "une entreprise qui réutilise les données : proposer une réutilisation (/reutilisations/proposer/)",
    ),
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
    for local_part, full_name, role, staff, _hint in DEMO_USERS:
        ensure_demo_user(local_part=local_part, full_name=full_name, role=role, staff=staff)
    return []


def summary() -> list[str]:
    """The demo accounts that exist (a real sign-up does not hide them), as a table: e-mail, role, what to try."""
    accounts = User.objects.filter(is_demo=True, deleted_at__isnull=True)
    if not accounts.exists():
        return []
    present = set(accounts.values_list("email", flat=True))
    rows = [
        (demo_email(local_part), str(TerritoryRole(role).label), hint)
        for local_part, _name, role, _staff, hint in DEMO_USERS
        if demo_email(local_part) in present
    ]
    width = max((len(row[0]) for row in rows), default=0)
    role_width = max((len(row[1]) for row in rows), default=0)
    lines = ["", f"Comptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD}) :"]
    lines += [f"  {email:<{width}}  {role:<{role_width}}  {hint}" for email, role, hint in rows]
    others = len(present) - len(rows)
    if others:
        lines.append(
            f"  … et {others} autres : un référent par organisation membre (referent-<commune>@{DEMO_DOMAIN}, "
            f"administrateur de sa commune) et des habitants (habitant-01@{DEMO_DOMAIN}…)."
        )
    return lines
