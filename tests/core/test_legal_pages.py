"""The legal notice, privacy page and accessibility statement name the operator from its settings, never a
bracketed placeholder; `check --deploy` warns when the operator's identity is incomplete."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from tests.accounts.factories import UserFactory

LEGAL_PAGES = ["core:legal_notice", "core:privacy", "core:accessibility"]
PAGES = [*LEGAL_PAGES, "core:home", "core:sitemap"]

OPERATOR = {
    "AGENCY_NAME": "Agence numérique du Pays Basque",
    "AGENCY_LEGAL_FORM": "association régie par la loi du 1er juillet 1901",
    "AGENCY_ADDRESS": "15 avenue du Maréchal Foch, 64100 Bayonne",
    "AGENCY_SIREN": "123456782",
    "AGENCY_EMAIL": "contact@agence.example.org",
    "AGENCY_PHONE": "05 59 00 00 00",
    "AGENCY_PUBLICATION_DIRECTOR": "Maite Etxeberri, présidente",
    "AGENCY_DPO_EMAIL": "dpo@agence.example.org",
    "HOSTING_PROVIDER": "Hébergeur Exemple SAS, 1 rue des Serveurs, 75001 Paris, 01 00 00 00 00 (France)",
    "ACCESSIBILITY_STATEMENT_DATE": datetime.date(2026, 9, 15),
}


class VisibleText(HTMLParser):
    """The text a visitor reads: text nodes outside script and style."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def empty_operator(settings):
    """An installation that configured nothing: the defaults."""
    for name in OPERATOR:
        if name not in ("AGENCY_NAME", "AGENCY_LEGAL_FORM"):
            setattr(settings, name, "" if name != "ACCESSIBILITY_STATEMENT_DATE" else None)
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_page_shows_a_bracketed_placeholder(client, empty_operator, name):
    text = visible_text(client.get(reverse(name)).content.decode())
    assert "[" not in text and "]" not in text, re.findall(r"\[[^\]]*\]?", text)
    assert "à compléter" not in text.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_page_shows_a_bracketed_placeholder_with_every_setting(client, settings, name):
    for key, value in OPERATOR.items():
        setattr(settings, key, value)
    text = visible_text(client.get(reverse(name)).content.decode())
    assert "[" not in text and "]" not in text, re.findall(r"\[[^\]]*\]?", text)


@pytest.mark.django_db
def test_the_default_operator_is_the_agency_of_the_territory(client, empty_operator):
    text = visible_text(client.get(reverse("core:accessibility")).content.decode())
    assert "L'agence numérique du territoire s'engage à rendre" in text


@pytest.mark.django_db
def test_legal_pages_name_the_configured_operator(client, settings):
    for key, value in OPERATOR.items():
        setattr(settings, key, value)
    legal = visible_text(client.get(reverse("core:legal_notice")).content.decode())
    for key in (
        "AGENCY_NAME",
        "AGENCY_LEGAL_FORM",
        "AGENCY_ADDRESS",
        "AGENCY_SIREN",
        "AGENCY_EMAIL",
        "AGENCY_PHONE",
        "AGENCY_PUBLICATION_DIRECTOR",
        "HOSTING_PROVIDER",
    ):
        assert OPERATOR[key] in legal, key
    accessibility = visible_text(client.get(reverse("core:accessibility")).content.decode())
    assert "Agence numérique du Pays Basque s'engage à rendre" in accessibility
    assert "contact@agence.example.org" in accessibility
    assert "15 septembre 2026" in accessibility
    privacy = client.get(reverse("core:privacy")).content.decode()
    assert 'href="mailto:dpo@agence.example.org"' in privacy
    assert "Agence numérique du Pays Basque" in visible_text(privacy)


@pytest.mark.django_db
def test_the_dpo_defaults_to_the_agency_contact(client, empty_operator):
    empty_operator.AGENCY_EMAIL = "contact@agence.example.org"
    assert 'href="mailto:contact@agence.example.org"' in client.get(reverse("core:privacy")).content.decode()


@pytest.mark.django_db
def test_staff_see_what_is_missing_visitors_do_not(client, empty_operator):
    anonymous = client.get(reverse("core:legal_notice")).content.decode()
    assert "AGENCY_ADDRESS" not in anonymous
    client.force_login(UserFactory(is_staff=True))
    staff = client.get(reverse("core:legal_notice")).content.decode()
    assert "AGENCY_ADDRESS" in staff and "HOSTING_PROVIDER" in staff
    assert "docs/environment.md" in staff


def test_check_deploy_warns_when_the_operator_is_incomplete(empty_operator, capsys):
    with pytest.raises(SystemCheckError, match=r"auzolan\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "auzolan")
    for key, value in OPERATOR.items():
        setattr(empty_operator, key, value)
    call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "auzolan")
