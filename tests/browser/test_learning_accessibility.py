"""The learning pages checked with axe-core in a real browser: the catalogue, a module page, the player (a text piece,
a video with captions, a quiz before and after an attempt), a path, "Ma formation", the editors' pages, and part 2's
pages (attestation verification, self-assessment, organisation view, territory map); the quiz with the keyboard alone
(Tab reaches every answer and the submit button, Space checks, Enter submits; every answer has its label); every
control of the player has an accessible name; a video file plays with a French captions track."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.learning import attestation_document, services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.learning.factories import (
    RIGHT,
    PathFactory,
    PathItemFactory,
    PieceFactory,
    TopicFactory,
    framework_with_competences,
    module_with_pieces,
    quiz,
)
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

CAPTIONS = (
    b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour, voici comment rep\xc3\xa9rer un courriel pi\xc3\xa9g\xc3\xa9.\n"
)

#: Every visible form control of the page has an accessible name (a label, aria-label or aria-labelledby; a button its
#: text).
UNNAMED_CONTROLS = """[...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea, main button')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')
               && !(e.tagName === 'BUTTON' && e.textContent.trim()))
  .map(e => e.outerHTML)"""

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
    PieceFactory(
        module=module,
        key="video-fichier",
        kind="video",
        position=4,
        title="La vidéo sous-titrée",
        body="",
        file=SimpleUploadedFile("hameconnage.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4"),
        captions=SimpleUploadedFile("hameconnage.vtt", CAPTIONS, content_type="text/vtt"),
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
        f"/formation/modules/{module.slug}/etapes/video-fichier/",
        f"/formation/modules/{module.slug}/etapes/quiz/",
        "/formation/parcours/nouvel-elu/",
        "/formation/carte/",
    ):
        check(page, live_server, path)


def test_video_captions_and_named_controls(page, live_server, module, login):
    login(UserFactory())
    page.goto(live_server.url + f"/formation/modules/{module.slug}/etapes/video-fichier/")
    track = page.locator("video track[kind=captions]")
    assert track.count() == 1
    assert track.get_attribute("srclang") == "fr" and track.get_attribute("label")
    captions = page.request.get(live_server.url + track.get_attribute("src"))
    assert captions.status == 200 and captions.text().startswith("WEBVTT")
    for key in ("p1", "video-fichier", "quiz"):
        page.goto(live_server.url + f"/formation/modules/{module.slug}/etapes/{key}/")
        assert page.evaluate(UNNAMED_CONTROLS) == [], key


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
    # answer with the keyboard alone: focus moves with the keyboard, Space checks, Enter submits
    for label in ("Bonne", "Juste A", "Juste B", "Faux"):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
        assert page.get_by_label(label).is_checked(), label
    page.get_by_role("button", name="Valider mes réponses").focus()
    page.keyboard.press("Enter")
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


def test_part_two_pages(page, live_server, module, login):
    """Attestation (verification page, with a checked code), self-assessment, organisation view, agency map page."""
    _framework, c11, c12 = framework_with_competences()
    module.competences.add(c11, c12)
    commune = OrganisationFactory(name="Ainhoa")
    commune.communes.add(CommuneFactory(insee_code="64016", name="Ainhoa"))
    admin = MembershipFactory(organisation=commune, role="admin").user
    user = login(UserFactory(full_name="Maïté Etxeberria"))
    MembershipFactory(organisation=commune, user=user)
    services.learner_profile_update(user=user, share_progress_with_organisation=True)
    path = module.path_items.first().path
    services.self_assessment_save(user=user, path=path, levels={c11.pk: 2, c12.pk: 3})
    for piece in module.pieces.all():
        if piece.kind in ("text", "video"):
            services.piece_complete(user=user, module=module, piece=piece)
    services.quiz_submit(user=user, piece=module.pieces.get(key="quiz"), answers=RIGHT)
    services.self_assessment_save(user=user, path=path, levels={c11.pk: 4, c12.pk: 3})
    attestation = services.attestation_issue(user=user, path=path)
    for url in (
        f"/formation/parcours/{path.slug}/auto-positionnement/",
        "/formation/parcours/nouvel-elu/",
        "/moi/formation/",
        attestation.get_absolute_url(),
    ):
        check(page, live_server, url)
    page.get_by_label("Code de vérification").fill(attestation_document.code_for(attestation))
    page.get_by_role("button", name="Vérifier").press("Enter")
    page.locator("#verdict[data-verdict=valid]").wait_for()
    assert_no_blocking_violations(page)
    login(admin)
    check(page, live_server, f"/formation/organisations/{commune.slug}/")
    login(UserFactory(is_staff=True))
    check(page, live_server, "/formation/gestion/carte/")
