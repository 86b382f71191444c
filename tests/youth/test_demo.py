"""The youth demo: partners of every kind (some reused from the organisations demo, the others created with a valid
SIREN/SIRET), a youth survey answered by 24 young people, three actions; the pages show them; loading twice changes
nothing."""

import io

import pytest
from django.urls import reverse

from auzolan.accounts import demo as accounts_demo
from auzolan.catalog.models import Dataset, ResourceVersion
from auzolan.core.validators import luhn_valid
from auzolan.organisations import demo as organisations_demo
from auzolan.youth import demo
from auzolan.youth.models import Action, DirectoryOpenData, Partnership

pytestmark = pytest.mark.django_db


def test_demo_youth(client):
    out = io.StringIO()
    accounts_demo.load(stdout=out)
    organisations_demo.load(stdout=out)
    assert demo.load(stdout=out)
    partnerships = list(Partnership.objects.select_related("organisation"))
    assert 10 <= len(partnerships) <= 15
    kinds = {p.organisation.kind for p in partnerships}
    assert {"school", "cfa", "university", "youth_centre", "company", "association"} <= kinds
    for partnership in partnerships:
        organisation = partnership.organisation
        organisation.full_clean()
        if organisation.siren:
            assert luhn_valid(organisation.siren) and organisation.siret.startswith(organisation.siren)
    survey = Action.objects.first().survey
    assert survey.audience == "youth" and survey.responses.count() == demo.RESPONDENTS
    assert Action.objects.count() == 3
    page = client.get(reverse("youth:youth_voice")).content.decode()
    assert demo.SURVEY_TITLE in page and "Des navettes du soir" in page
    assert "Maison des jeunes du Boucau" in client.get(reverse("youth:directory")).content.decode()
    # The directory is published as an open dataset of the agency, one line per public partner.
    link = DirectoryOpenData.objects.get()
    assert link.dataset.state == Dataset.State.PUBLISHED and link.dataset.organisation.kind == "agency"
    version = ResourceVersion.objects.get(resource__dataset=link.dataset)
    with version.file.open("rb") as handle:
        lines = handle.read().decode("utf-8").splitlines()
    assert len(lines) == 1 + Partnership.objects.filter(is_public=True).count()
    counts = (Partnership.objects.count(), Action.objects.count(), survey.responses.count())
    demo.load(stdout=out)
    assert (Partnership.objects.count(), Action.objects.count(), survey.responses.count()) == counts
    assert ResourceVersion.objects.filter(resource__dataset=link.dataset).count() == 1  # unchanged: no new version
