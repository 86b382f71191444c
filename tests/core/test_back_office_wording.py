"""The back office speaks French: distinct French section names, and a French empty choice in every select."""

import re

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from auzolan.organisations.models import Organisation
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, territory_role="agency"))
    return client


def _sections(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", s).strip()
        for s in re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_back_office_sections_are_french_and_distinct(superuser_client):
    sections = _sections(superuser_client.get("/back-office/").content.decode())
    assert len(sections) >= 8, sections
    assert len(sections) == len({s.casefold() for s in sections}), f"two sections share a name: {sections}"
    english = [s for s in sections if re.search(r"\b(tasks?|database|backend|accounts?|sites?)\b", s, re.I)]
    assert not english, english


def test_back_office_models_are_named_in_french(superuser_client):
    html = superuser_client.get("/back-office/").content.decode()
    names = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)
    ]
    assert len(names) >= 15, names
    english = [n for n in names if re.search(r"\b(tasks?|results?|email|address(es)?|users?)\b", n, re.I)]
    assert not english, english


def _admin_pages():
    pages = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission.__func__ is admin.ModelAdmin.has_add_permission:
            pages.append(reverse(f"{prefix}_add"))
    return pages


def test_no_select_shows_dashes_in_the_back_office(superuser_client):
    dashes = []
    for url in _admin_pages():
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        if "---------" in response.content.decode():
            dashes.append(url)
    assert not dashes, dashes


def test_an_optional_choice_has_a_french_empty_label():
    class Form(forms.ModelForm):
        class Meta:
            model = Organisation
            fields = ["kind", "college"]

    html = str(Form())
    assert "---------" not in html
    assert '<option value="" selected>Sélectionner une option</option>' in html
