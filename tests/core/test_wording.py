"""Wording classes: dates formatted per language (never a French pattern with a foreign month), plurals French-style
(0 and 1 singular), French elision ("Commune d'Anglet"), a French empty choice in selects, back office names."""

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from auzolan.core.text import de, elide
from auzolan.participation.models import Process
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.participation.factories import PhaseFactory, ProcessFactory, ProposalFactory, process_with_phase

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [*ROOT.glob("auzolan/*/templates/**/*.html"), *ROOT.glob("auzolan/*/templates/**/*.txt")]
TEMPLATES += [*ROOT.glob("templates/**/*.html")]

# Machine formats (datetime attributes, ISO) are the same in every language; every date a person reads uses a named
# format, so that each language orders and names it its own way (config/formats/<lang>/formats.py).
MACHINE_FORMATS = {"c", "Y-m-d", "U"}
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "YEAR_MONTH_FORMAT"}
NAMED_FORMATS |= {"MONTH_DAY_FORMAT", "TIME_FORMAT"}


def test_templates_format_dates_with_named_formats():
    literal = []
    for path in TEMPLATES:
        for pattern in re.findall(r'\|(?:date|time):"([^"]*)"', path.read_text()):
            if pattern not in MACHINE_FORMATS | NAMED_FORMATS:
                literal.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert not literal, "\n".join(literal)


def test_python_code_formats_dates_for_people_with_django_formats():
    """strftime("%d/%m…") writes a French-only date: people's dates go through django.utils.formats."""
    allowed = {
        # Parsing of French files (ingestion, residency lists) — not display.
        "auzolan/datastore/ingestion/casts.py",
        "auzolan/participation/services/verification.py",
        "auzolan/datastore/validation/messages.py",
        # The data preview's cells (dates of the data, with seconds): the preview belongs to another part of issue 9
        # (uxdata, who formats its amounts); to move to django.utils.formats there.
        "auzolan/datastore/preview.py",
    }
    found = []
    for path in ROOT.glob("auzolan/**/*.py"):
        relative = str(path.relative_to(ROOT))
        if relative in allowed or "/migrations/" in relative:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"strftime\(\s*[\"']%d", line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


MONTHS = {"fr": "décembre", "en": "December", "es": "diciembre", "eu": "abe"}


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_each_language_names_its_own_months_and_words(language):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 30, 0, 0))
    with translation.override(language):
        text = Template('{{ d|date:"DATETIME_FORMAT" }} | {{ d|date:"DATE_FORMAT" }}').render(Context({"d": moment}))
    assert MONTHS[language] in text, text
    if language != "fr":
        assert " à " not in text, text
    else:
        assert text == "30 décembre 2026 à 00:00 | 30 décembre 2026"


@pytest.fixture
def process_admin(db):
    membership = MembershipFactory(role="admin")
    process = ProcessFactory(organisation=membership.organisation, title="Budget participatif")
    tz = timezone.get_current_timezone()
    PhaseFactory(
        process=process,
        start_at=datetime.datetime(2026, 7, 24, 9, 0, tzinfo=tz),
        end_at=datetime.datetime(2027, 5, 25, 18, 0, tzinfo=tz),
    )
    return membership


def test_date_range_is_in_one_language(client, process_admin):
    client.force_login(process_admin.user)
    url = reverse("participation:manage_organisation", args=[process_admin.organisation.slug])
    html = client.get(url).content.decode()
    assert "24 juillet 2026 – 25 mai 2027" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(url).content.decode()
    assert "24 July 2026 – 25 May 2027" in html


@pytest.mark.parametrize(("language", "expected"), [("fr", "25 mai 2027 à 18:00"), ("en", "25 May 2027, 18:00")])
def test_date_and_time_follow_the_language(client, process_admin, language, expected):
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    process = Process.objects.get(organisation=process_admin.organisation)
    url = reverse("participation:process_detail", args=[process.slug])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
        html = client.get(url).content.decode()
    assert expected in html


# Plurals: French counts 0 and 1 as singular. French is the source language, so its catalogue must translate every
# plural to itself (`make messages` fills it with msgen); else gettext falls back to "n != 1": "0 soutiens".

FRENCH_PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _plural_entries(po: str) -> list[tuple[str, str, str, str]]:
    def text(block: str, key: str) -> str:
        match = re.search(rf'^{re.escape(key)} ((?:".*"\n?)+)', block, re.M)
        return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""

    entries = []
    for block in po.split("\n\n"):
        if "msgid_plural" in block and not block.lstrip().startswith("#~"):
            entries.append(
                (text(block, "msgid"), text(block, "msgid_plural"), text(block, "msgstr[0]"), text(block, "msgstr[1]"))
            )
    return entries


def test_french_catalogue_translates_every_plural_to_itself():
    entries = _plural_entries(FRENCH_PO.read_text())
    assert entries
    wrong = [singular for singular, plural, one, many in entries if (one, many) != (singular, plural)]
    assert not wrong, f"{len(wrong)} plural(s) left empty in {FRENCH_PO.relative_to(ROOT)} (run make messages)"


@pytest.mark.parametrize("count", [0, 1])
def test_zero_and_one_are_singular_in_french(count):
    with translation.override("fr"):
        text = translation.ngettext("%(counter)s soutien", "%(counter)s soutiens", count) % {"counter": count}
    assert text == f"{count} soutien", "the French catalogue lacks its plurals: run make messages"


def test_makefile_fills_the_french_catalogue():
    recipe = (ROOT / "Makefile").read_text().split("\nmessages:")[1].split("\n\n")[0]
    assert "msgen" in recipe and "locale/fr/LC_MESSAGES/django.po" in recipe.replace("$(FR_PO)", FR_PO_PATH)


FR_PO_PATH = "locale/fr/LC_MESSAGES/django.po"


def test_templates_show_counts_with_plural_forms():
    """A count in a sentence goes through {% blocktranslate count %} (or ngettext), never "{{ n }} projets"."""
    not_counts = {"population", "date", "last", "limit", "shown"}  # numbers that are never 0 or 1, or not counts
    found = []
    for path in TEMPLATES:
        for block in re.finditer(
            r"\{% blocktranslate(?P<args>[^%]*)%\}(?P<body>.*?)\{% endblocktranslate %\}", path.read_text(), re.S
        ):
            if " count " in block.group("args"):
                continue
            for use in re.finditer(r"\{\{ (\w+) \}\} (\w+\(s\)|\w+s\b)", block.group("body")):
                if use.group(1) not in not_counts:
                    found.append(f"{path.relative_to(ROOT)}: {use.group(0)}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_a_proposal_without_support_shows_0_soutien(client):
    process = process_with_phase("ideas")
    ProposalFactory(process=process, title="Des bancs à l'ombre", supports_count=0)
    html = client.get(reverse("participation:proposal_list", args=[process.slug])).content.decode()
    assert re.search(r"\b0 soutien\b", html), "0 is singular in French (the French catalogue: run make messages)"
    assert "0 soutiens" not in html


# Elision: "Commune d'Anglet", "Commune d'Hasparren", "Membres d'Auzo Lab" — one helper, auzolan.core.text.de.

COG_LINKS = {"0": "de ", "1": "d'", "2": "du ", "3": "de ", "4": "des ", "5": "de "}


def test_de_follows_the_official_link_words_of_every_commune():
    """INSEE's COG says, for each commune, how French writes "de <name>" (TNCC): the helper agrees on all 158."""

    with open(ROOT / "data" / "territory" / "capb-communes-cog.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["TYPECOM"] == "COM"]
    assert len(rows) == 158
    wrong = [
        (row["LIBELLE"], de(row["LIBELLE"]))
        for row in rows
        if not de(row["LIBELLE"]).startswith(COG_LINKS[row["TNCC"]])
    ]
    assert not wrong, wrong
    assert de("Anglet") == "d'Anglet" and de("Hasparren") == "d'Hasparren" and de("Bayonne") == "de Bayonne"
    assert de("Le Boucau") == "du Boucau" and de("Les Aldudes") == "des Aldudes"
    assert de("La Bastide-Clairence") == "de La Bastide-Clairence"
    assert de("Équipements publics") == "d'Équipements publics"


def test_elide_changes_french_only_and_respects_escaping():
    with translation.override("fr"):
        assert elide("Membres de Auzo Lab", "Auzo Lab") == "Membres d'Auzo Lab"
        assert elide("Membres de Commune de Bayonne", "Commune de Bayonne") == "Membres de Commune de Bayonne"
        safe = Template(
            "{% load i18n text %}{% blocktranslate with name=n asvar t %}Membres de {{ name }}{% endblocktranslate %}"
            "{{ t|elide:n }}"
        ).render(Context({"n": "Ateliers & Co"}))
        assert safe == "Membres " + escape("d'Ateliers & Co")
    with translation.override("es"):
        assert elide("Miembros de Auzo Lab", "Auzo Lab") == "Miembros de Auzo Lab"


@pytest.mark.django_db
def test_organisation_pages_elide_before_a_vowel(client):
    organisation = OrganisationFactory(name="Auzo Lab, association de médiation numérique", slug="auzo-lab")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    client.force_login(admin)
    html = client.get(reverse("organisations:members", args=[organisation.slug])).content.decode()
    assert "<h1>Membres d&#x27;Auzo Lab, association de médiation numérique</h1>" in html
    assert "Membres de Auzo" not in html
