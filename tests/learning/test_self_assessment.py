"""Self-assessment on a path's competences: before the path, after completing it, stored per framework version, the
before/after comparison; private to the person (export, deletion)."""

import pytest
from django.urls import reverse

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.core.errors import ValidationError
from auzolan.learning import selectors, services
from auzolan.learning.models import SelfAssessment
from tests.accounts.factories import UserFactory
from tests.learning.factories import framework_with_competences, path_of_two_modules

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    framework, c11, c12 = framework_with_competences()
    # a newer version of the framework beside it: answers stay on the version they were given on
    newer, n11, _n12 = framework_with_competences(version="3.0", levels=4)
    path, modules = path_of_two_modules(competences=(c11, c12, n11))
    world = {"path": path, "modules": modules, "c11": c11, "c12": c12, "n11": n11}
    return world | {"framework": framework, "newer": newer}


def complete_path(user, modules):
    for module, pieces in modules:
        for piece in pieces:
            services.piece_complete(user=user, module=module, piece=piece)


def url(path):
    return reverse("learning:self_assessment", kwargs={"path_slug": path.slug})


def test_before_then_after_with_progress(world):
    user = UserFactory()
    path, c11, c12, n11 = world["path"], world["c11"], world["c12"], world["n11"]
    assert services.self_assessment_save(user=user, path=path, levels={c11.pk: 2, c12.pk: 3, n11.pk: 1}) == "before"
    assert services.self_assessment_save(user=user, path=path, levels={c11.pk: 3, c12.pk: 3, n11.pk: 1}) == "before"
    assert SelfAssessment.objects.filter(user=user).count() == 2  # one per framework version
    complete_path(user, world["modules"])
    assert services.self_assessment_save(user=user, path=path, levels={c11.pk: 5, n11.pk: 2}) == "after"
    rows = {row.competence.pk: row for row in selectors.self_assessment(user=user, path=path)}
    assert (rows[c11.pk].before.number, rows[c11.pk].after.number, rows[c11.pk].change) == (3, 5, 2)
    assert rows[c12.pk].after is None and rows[c12.pk].change is None
    assert rows[n11.pk].top == 4 and rows[n11.pk].change == 1
    newer = SelfAssessment.objects.get(user=user, framework=world["newer"], moment="after")
    assert [a.competence_id for a in newer.answers.all()] == [n11.pk]


def test_bad_answers_refused(world):
    user = UserFactory()
    path, c11 = world["path"], world["c11"]
    with pytest.raises(ValidationError):
        services.self_assessment_save(user=user, path=path, levels={})
    with pytest.raises(ValidationError):
        services.self_assessment_save(user=user, path=path, levels={c11.pk: 9})  # not a level of the framework
    with pytest.raises(ValidationError):
        services.self_assessment_save(user=user, path=path, levels={world["n11"].pk: 5})  # 3.0 has four levels
    _other_framework, foreign, _ = framework_with_competences(code="entrecomp")
    with pytest.raises(ValidationError):
        services.self_assessment_save(user=user, path=path, levels={foreign.pk: 1})
    assert not SelfAssessment.objects.filter(user=user).exists()


def test_page_form_and_comparison(client, world):
    user = UserFactory()
    path, c11, c12 = world["path"], world["c11"], world["c12"]
    assert client.get(url(path)).status_code == 302  # login first
    client.force_login(user)
    page = client.get(url(path))
    content = page.content.decode()
    assert page.status_code == 200 and "avant le parcours" in content and f'name="c{c11.pk}"' in content
    assert client.post(url(path), {f"c{c11.pk}": "2"}).status_code == 302
    assert client.post(url(path), {f"c{c11.pk}": "abc"}).status_code == 400
    assert client.post(url(path), {}).status_code == 400  # nothing chosen
    complete_path(user, world["modules"])
    assert client.post(url(path), {f"c{c11.pk}": "4", f"c{c12.pk}": "1"}).status_code == 302
    content = client.get(url(path)).content.decode()
    assert "après le parcours" in content and "+2 niveaux" in content
    assert '<meter min="0" max="8" value="4"' in content
    assert client.get(reverse("learning:self_assessment", kwargs={"path_slug": "nexiste-pas"})).status_code == 404


def test_private_to_the_person(client, world):
    owner, other = UserFactory(), UserFactory()
    services.self_assessment_save(user=owner, path=world["path"], levels={world["c11"].pk: 6})
    client.force_login(other)
    content = client.get(url(world["path"])).content.decode()
    assert (
        content.count('value="" selected') == 3 and "<meter" not in content and "non renseigné" in content
    )  # all empty
    assert all(row.before is None for row in selectors.self_assessment(user=other, path=world["path"]))
    exported = user_export_data(user=owner)["learning"]["self_assessments"]
    assert exported == [
        {
            "path": world["path"].slug,
            "framework": "digcomp-test 2.2",
            "moment": "before",
            "updated_at": exported[0]["updated_at"],
            "levels": {"1.1": 6},
        }
    ]
    user_delete(actor=owner, user=owner)
    assert not SelfAssessment.objects.filter(user=owner).exists()
