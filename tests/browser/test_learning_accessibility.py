"""The learning pages checked with axe-core in a real browser: the catalogue, a module page, the player (a text piece,
a quiz before and after an attempt), a path, "Ma formation", and the editors' pages; and the quiz with the keyboard
alone (Tab reaches every answer and the submit button; every answer has its label)."""

import pytest

from auzolan.learning import services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.learning.factories import PathFactory, PathItemFactory, PieceFactory, TopicFactory, module_with_pieces, quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def module():
    topic = TopicFactory(slug="cybersecurite", title="Cybersécurité", title_eu="Zibersegurtasuna")
    module, pieces = module_with_pieces(2, topic=topic, title="Reconnaître un hameçonnage", audiences=["elu", "agent"])
    pieces[0].body = "### Les signes\n\n- un expéditeur inconnu ;\n- une **urgence**.\n\nEn cas de doute, appelez."
    pieces[0].save()
    PieceFactory(
        module=module,
        key="video",
        kind="video",
        position=3,
        title="La vidéo",
        body="",
        url="https://video.exemple.fr/v/1",
        transcript="Bonjour, voici comment repérer un courriel piégé.",
    )
    quiz(module, key="quiz", max_attempts=3)
    path = PathFactory(title="Nouvel élu : les bases", slug="nouvel-elu")
    PathItemFactory(path=path, module=module)
    PathItemFactory(path=path, module=None, workshop_title="Atelier à Bayonne")
    return module


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_public_pages(page, live_server, module):
    for path in (
        "/formation/",
        "/formation/?theme=cybersecurite&public=elu",
        module.get_absolute_url(),
        f"/formation/modules/{module.slug}/etapes/p1/",
        f"/formation/modules/{module.slug}/etapes/video/",
        f"/formation/modules/{module.slug}/etapes/quiz/",
        "/formation/parcours/nouvel-elu/",
    ):
        check(page, live_server, path)


def test_learner_pages(page, live_server, module, login):
    user = login(UserFactory())
    services.piece_complete(user=user, module=module, piece=module.pieces.get(key="p1"))
    for path in (
        f"/formation/modules/{module.slug}/etapes/p2/",
        module.get_absolute_url(),
        "/moi/formation/",
        "/formation/parcours/nouvel-elu/",
    ):
        check(page, live_server, path)


def test_quiz_with_the_keyboard(page, live_server, module, login):
    login(UserFactory())
    page.goto(live_server.url + f"/formation/modules/{module.slug}/etapes/quiz/")
    # every answer has a label, every question a fieldset with a legend
    assert page.locator("fieldset legend").count() == 3
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('form input[type=radio], form input[type=checkbox]')]"
        ".filter(i => i.labels.length === 0).length"
    )
    assert unlabelled == 0
    # Tab through the page: the answers and the submit button are reached
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "(() => { const e = document.activeElement; return [e.tagName, e.type || '', e.name || '', "
            "e.textContent.trim()]; })()"
        )
        reached.add(tuple(info))
        if info[0] == "BUTTON" and "Valider mes réponses" in info[3]:
            break
    names = {name for tag, kind, name, text in reached if kind in ("radio", "checkbox")}
    assert {"q-single", "q-multiple", "q-tf"} <= names
    assert any(tag == "BUTTON" and "Valider mes réponses" in text for tag, kind, name, text in reached)
    # answer with the keyboard: Space checks the focused radio or checkbox
    page.get_by_label("Bonne").check()
    page.get_by_label("Juste A").check()
    page.get_by_label("Juste B").check()
    page.get_by_label("Faux").check()
    page.get_by_role("button", name="Valider mes réponses").press("Enter")
    page.get_by_text("Score : 67 %").wait_for()
    assert page.get_by_text("Il vous reste 2 tentatives").count() == 1
    assert_no_blocking_violations(page)


def test_editor_pages(page, live_server, module, login):
    login(UserFactory(is_staff=True))
    for path in (
        "/formation/gestion/",
        "/formation/gestion/nouveau/",
        f"/formation/gestion/{module.slug}/",
        f"/formation/gestion/{module.slug}/etapes/quiz/",
        f"/formation/gestion/{module.slug}/etapes/nouvelle/?type=video",
        f"/formation/gestion/{module.slug}/etapes/quiz/questions/single/",
        f"/formation/gestion/{module.slug}/avis/",
    ):
        check(page, live_server, path)
