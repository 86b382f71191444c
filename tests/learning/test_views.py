"""HTTP tests of every learning page: the public catalogue, module and path pages, the player (text and quiz pieces,
anonymous and signed-in), "Ma formation", and the editors' pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.learning import selectors, services
from auzolan.learning.models import Feedback, LearnerProfile, Module, Piece, Question, QuizAttempt
from tests.accounts.factories import UserFactory
from tests.learning.factories import (
    RIGHT,
    AuthorisedEditorFactory,
    ModuleFactory,
    PathFactory,
    PathItemFactory,
    TopicFactory,
    module_with_pieces,
    quiz,
)
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def piece_url(module, key):
    return reverse("learning:piece", kwargs={"module_slug": module.slug, "piece_key": key})


def token(response):
    return re.search(r'name="submission" value="([^"]+)"', response.content.decode()).group(1)


# --- Catalogue --------------------------------------------------------------------------------------------------------
def test_catalogue_filters(client):
    cyber = TopicFactory(slug="cyber", title="Cybersécurité")
    ModuleFactory(title="Hameçonnage", topic=cyber, audiences=["agent"], level="debutant")
    ModuleFactory(title="Open data avancé", audiences=["elu"], level="avance")
    ModuleFactory(title="Brouillon caché", state=Module.State.DRAFT)
    PathFactory(title="Nouvel élu")
    page = client.get(reverse("learning:catalogue"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Hameçonnage" in content and "Open data avancé" in content and "Nouvel élu" in content
    assert "Brouillon caché" not in content
    filtered = client.get(reverse("learning:catalogue"), {"theme": "cyber"}).content.decode()
    assert "Hameçonnage" in filtered and "Open data avancé" not in filtered
    by_audience = client.get(reverse("learning:catalogue"), {"public": "elu"}).content.decode()
    assert "Open data avancé" in by_audience and "Hameçonnage" not in by_audience
    by_level = client.get(reverse("learning:catalogue"), {"niveau": "avance"}).content.decode()
    assert "Open data avancé" in by_level and "Hameçonnage" not in by_level
    unknown = client.get(reverse("learning:catalogue"), {"theme": "nexiste-pas", "public": "x", "niveau": "y"})
    assert unknown.status_code == 200 and "Hameçonnage" in unknown.content.decode()


# --- Module page and player -------------------------------------------------------------------------------------------
def test_module_page_anonymous(client):
    module, _pieces = module_with_pieces(3)
    page = client.get(module.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "Commencer le module" in content and "Connectez-vous pour garder votre progression" in content
    assert "Comprendre" in content  # objectives


@pytest.mark.parametrize("state", [Module.State.DRAFT, Module.State.ARCHIVED])
def test_drafts_are_404_for_non_editors(client, state):
    module, _pieces = module_with_pieces(1, state=state)
    assert client.get(module.get_absolute_url()).status_code == 404
    assert client.get(piece_url(module, "p1")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(module.get_absolute_url()).status_code == 404
    assert client.get(piece_url(module, "p1")).status_code == 404
    assert client.post(piece_url(module, "p1")).status_code == 404


def test_editor_previews_a_draft_without_recording(client):
    module, _pieces = module_with_pieces(2, state=Module.State.DRAFT)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(piece_url(module, "p1"))
    assert page.status_code == 200 and "Aperçu" in page.content.decode()
    assert client.post(piece_url(module, "p1")).status_code == 302
    assert selectors.progress_for(user=staff, module=module) is None


def test_player_anonymous_reads_and_is_invited_to_log_in(client):
    module, _pieces = module_with_pieces(3)
    page = client.get(piece_url(module, "p2"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Étape 2 sur 3" in content
    assert 'rel="prev"' in content and 'rel="next"' in content
    assert "Connectez-vous" in content
    response = client.post(piece_url(module, "p2"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_player_unknown_piece_404(client):
    module, _pieces = module_with_pieces(1)
    assert client.get(piece_url(module, "nexiste-pas")).status_code == 404


def test_player_next_completes_and_resume(client):
    user = UserFactory()
    client.force_login(user)
    module, _pieces = module_with_pieces(4)
    for key in ("p1", "p2"):
        assert client.get(piece_url(module, key)).status_code == 200
        response = client.post(piece_url(module, key))
        assert response.status_code == 302
    assert response["Location"] == piece_url(module, "p3")
    client.get(piece_url(module, "p3"))
    # back later: the module page offers to resume at piece 3
    page = client.get(module.get_absolute_url()).content.decode()
    assert "Reprendre" in page and piece_url(module, "p3") in page
    training = client.get(reverse("learning:my_training")).content.decode()
    assert piece_url(module, "p3") in training


def test_last_piece_completes_the_module(client):
    user = UserFactory()
    client.force_login(user)
    module, _pieces = module_with_pieces(1)
    response = client.post(piece_url(module, "p1"))
    assert response["Location"] == module.get_absolute_url()
    assert selectors.progress_for(user=user, module=module).completed_at is not None
    assert "Module terminé" in client.get(module.get_absolute_url()).content.decode()


def test_quiz_page_is_an_accessible_form(client):
    client.force_login(UserFactory())
    module, _pieces = module_with_pieces(1)
    quiz(module)
    content = client.get(piece_url(module, "quiz")).content.decode()
    assert content.count("<fieldset") == 3 and content.count("<legend>") == 3
    assert 'type="radio"' in content and 'type="checkbox"' in content
    for match in re.finditer(r'<input type="(?:radio|checkbox)"[^>]*id="([^"]+)"', content):
        assert f'for="{match.group(1)}"' in content


def test_quiz_submission_feedback_and_attempts(client):
    user = UserFactory()
    client.force_login(user)
    module, _pieces = module_with_pieces(1)
    quiz(module, max_attempts=2, pass_mark=100)
    url = piece_url(module, "quiz")
    page = client.get(url)
    response = client.post(url, {"submission": token(page), "q-single": "b", "q-multiple": ["a", "b"], "q-tf": "vrai"})
    assert response.status_code == 302
    content = client.get(url).content.decode()
    assert "Score : 67 %" in content
    assert "pas encore réussi" in content
    assert "Il vous reste 1 tentative" in content
    assert "Non, relisez l&#x27;étape 1." in content  # the chosen answer's feedback
    page = client.get(url)
    client.post(url, {"submission": token(page), "q-single": "a", "q-multiple": ["a", "b"], "q-tf": "vrai"})
    content = client.get(url).content.decode()
    assert "Score : 100 %" in content and "quiz réussi" in content
    assert "avez plus de tentative : ce résultat est conservé" in content
    assert "Valider mes réponses" not in content and "nouvelle tentative" not in content
    # a third attempt, posted anyway, is refused with a clear message and nothing is recorded
    response = client.post(url, {"q-single": "a", "q-multiple": ["a", "b"], "q-tf": "vrai"})
    assert response.status_code == 409
    assert "vos 2 tentatives" in response.content.decode()
    assert QuizAttempt.objects.filter(user=user).count() == 2


def test_quiz_double_submission_counted_once(client):
    user = UserFactory()
    client.force_login(user)
    module, _pieces = module_with_pieces(1)
    quiz(module)
    url = piece_url(module, "quiz")
    data = {"submission": token(client.get(url)), **{f"q-{k}": v for k, v in RIGHT.items()}}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert QuizAttempt.objects.filter(user=user).count() == 1


def test_quiz_missing_answer_is_a_field_error(client):
    client.force_login(UserFactory())
    module, _pieces = module_with_pieces(1)
    quiz(module)
    response = client.post(piece_url(module, "quiz"), {"q-single": "a", "q-tf": "vrai"})
    assert response.status_code == 400
    assert "Répondez à toutes les questions" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_quiz_anonymous_invited_to_log_in(client):
    module, _pieces = module_with_pieces(1)
    quiz(module)
    content = client.get(piece_url(module, "quiz")).content.decode()
    assert "Se connecter pour répondre au quiz" in content and "<fieldset" not in content


def test_feedback(client):
    user = UserFactory()
    module, _pieces = module_with_pieces(1)
    assert "Votre avis" not in client.get(module.get_absolute_url()).content.decode()
    client.force_login(user)
    response = client.post(module.get_absolute_url(), {"useful": "1", "clear": "4", "comment": "Très clair."})
    assert response.status_code == 302
    response = client.post(module.get_absolute_url(), {"useful": "0", "clear": "9", "comment": "x"})
    assert response.status_code == 400
    response = client.post(module.get_absolute_url(), {"useful": "0", "clear": "2", "comment": "x" * 2001})
    assert response.status_code == 400
    feedback = Feedback.objects.get()
    assert (feedback.useful, feedback.clear, feedback.comment) == (True, 4, "Très clair.")


# --- Paths ------------------------------------------------------------------------------------------------------------
def test_path_page(client):
    path = PathFactory(title="Maire d'une petite commune")
    item = PathItemFactory(path=path)
    PathItemFactory(path=path, module=None, workshop_title="Atelier à Bayonne")
    assert client.get(reverse("learning:path_detail", kwargs={"path_slug": "nexiste-pas"})).status_code == 404
    content = client.get(path.get_absolute_url()).content.decode()
    assert item.module.title in content and "Atelier à Bayonne" in content
    user = UserFactory()
    services.piece_complete(
        user=user,
        module=item.module,
        piece=module_with_pieces(0)[0].pieces.create(key="x", kind="text", title="x", body="x"),
    ) if False else None
    client.force_login(user)
    assert "Vous avez terminé 0 module sur 1." in client.get(path.get_absolute_url()).content.decode()


# --- Ma formation -----------------------------------------------------------------------------------------------------
def test_my_training_needs_an_account(client):
    response = client.get(reverse("learning:my_training"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_my_training_is_private(client):
    alice, bob = UserFactory(), UserFactory()
    module, pieces = module_with_pieces(2, title="Module d'Alice")
    services.piece_complete(user=alice, module=module, piece=pieces[0])
    client.force_login(bob)
    content = client.get(reverse("learning:my_training")).content.decode()
    assert "Module d&#x27;Alice" not in content and "Aucun module en cours" in content
    client.force_login(alice)
    assert "Module d&#x27;Alice" in client.get(reverse("learning:my_training")).content.decode()


def test_my_training_paths_and_next_step(client):
    user = UserFactory()
    first, pieces = module_with_pieces(1, title="Premier module")
    second, _ = module_with_pieces(1, title="Second module")
    path = PathFactory(title="Parcours élu")
    PathItemFactory(path=path, module=first)
    PathItemFactory(path=path, module=second)
    services.piece_complete(user=user, module=first, piece=pieces[0])
    client.force_login(user)
    content = client.get(reverse("learning:my_training")).content.decode()
    assert "Parcours élu" in content and "Prochaine étape" in content and "Second module" in content


def test_sharing_consent_default_off_and_editable(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("learning:my_training")).content.decode()
    assert 'name="share_progress_with_organisation"' in page and "checked" not in page.split("share_progress")[1][:200]
    assert client.post(reverse("learning:my_training"), {"share_progress_with_organisation": "on"}).status_code == 302
    assert LearnerProfile.objects.get(user=user).share_progress_with_organisation is True
    client.post(reverse("learning:my_training"), {})
    assert LearnerProfile.objects.get(user=user).share_progress_with_organisation is False


# --- Editors ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def partner_editor():
    membership = MembershipFactory(role="editor")
    AuthorisedEditorFactory(organisation=membership.organisation)
    return membership.user


EDITOR_PAGES = [
    ("learning:manage_list", {}),
    ("learning:module_create", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), EDITOR_PAGES)
def test_editor_pages_404_for_others(client, name, kwargs):
    client.force_login(UserFactory())
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    member = MembershipFactory(role="editor").user  # editor of an organisation staff did not authorise
    client.force_login(member)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_staff_creates_edits_publishes(client):
    staff = UserFactory(is_staff=True)
    topic = TopicFactory()
    client.force_login(staff)
    page = client.get(reverse("learning:module_create"))
    assert page.status_code == 200
    data = {
        "submission": token(page),
        "title": "Sécuriser les comptes",
        "topic": topic.pk,
        "summary": "Mots de passe et double authentification.",
        "level": "debutant",
        "minutes": "15",
        "audiences": ["elu", "agent"],
        "objectives": "Choisir un mot de passe\nActiver la double authentification",
    }
    response = client.post(reverse("learning:module_create"), data)
    assert response.status_code == 302
    module = Module.objects.get(slug="securiser-les-comptes")
    assert module.state == Module.State.DRAFT and module.objectives == [
        "Choisir un mot de passe",
        "Activer la double authentification",
    ]
    edit = reverse("learning:module_edit", kwargs={"module_slug": module.slug})
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "minutes": "60"}).status_code == 400  # 5 to 45 minutes
    publish = reverse("learning:module_transition", kwargs={"module_slug": module.slug, "transition": "publish"})
    client.post(publish)
    module.refresh_from_db()
    assert module.state == Module.State.DRAFT  # no piece yet: refused with a message
    add_text = reverse("learning:piece_create", kwargs={"module_slug": module.slug}) + "?type=text"
    page = client.get(add_text)
    assert page.status_code == 200
    response = client.post(add_text, {"submission": token(page), "title": "Pourquoi", "body": "Parce que."})
    assert response.status_code == 302
    client.post(publish)
    module.refresh_from_db()
    assert module.state == Module.State.PUBLISHED and module.revision == 1
    assert client.post(edit, {**data, "title": "Sécuriser les comptes de la mairie"}).status_code == 302
    module.refresh_from_db()
    assert module.revision == 2
    archive = reverse("learning:module_transition", kwargs={"module_slug": module.slug, "transition": "archive"})
    client.post(archive)
    module.refresh_from_db()
    assert module.state == Module.State.ARCHIVED
    unknown = reverse("learning:module_transition", kwargs={"module_slug": module.slug, "transition": "nexiste"})
    assert client.post(unknown).status_code == 404


def test_video_without_transcript_refused(client):
    client.force_login(UserFactory(is_staff=True))
    module = ModuleFactory(state=Module.State.DRAFT)
    url = reverse("learning:piece_create", kwargs={"module_slug": module.slug}) + "?type=video"
    response = client.post(url, {"title": "La vidéo", "url": "https://video.exemple.fr/v/1"})
    assert response.status_code == 400
    assert "transcription ou un fichier de sous-titres" in response.content.decode()
    assert not module.pieces.exists()
    response = client.post(url, {"title": "La vidéo", "url": "https://video.exemple.fr/v/1", "transcript": "Bonjour."})
    assert response.status_code == 302
    captions = SimpleUploadedFile("sous-titres.vtt", b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour\n")
    response = client.post(
        url, {"title": "Avec sous-titres", "url": "https://video.exemple.fr/v/2", "captions": captions}
    )
    assert response.status_code == 302
    assert module.pieces.count() == 2
    wrong = SimpleUploadedFile("sous-titres.exe", b"MZ")
    response = client.post(url, {"title": "Mauvais fichier", "url": "https://video.exemple.fr/v/3", "captions": wrong})
    assert response.status_code == 400


def test_unknown_piece_kind_is_404(client):
    client.force_login(UserFactory(is_staff=True))
    module = ModuleFactory()
    url = reverse("learning:piece_create", kwargs={"module_slug": module.slug})
    assert client.get(url + "?type=nexiste").status_code == 404
    assert client.get(url).status_code == 404


def test_piece_edit_move_delete(client):
    staff = UserFactory(is_staff=True)
    learner = UserFactory()
    client.force_login(staff)
    module, pieces = module_with_pieces(3)
    services.piece_complete(user=learner, module=module, piece=pieces[0])
    kwargs = {"module_slug": module.slug, "piece_key": "p1"}
    edit = reverse("learning:piece_edit", kwargs=kwargs)
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"title": "Étape une", "body": "Texte corrigé."}).status_code == 302
    assert client.post(edit, {"title": "Étape une", "body": ""}).status_code == 400  # empty text
    assert selectors.completed_keys(selectors.progress_for(user=learner, module=module)) == {"p1"}
    client.post(reverse("learning:piece_move", kwargs=kwargs), {"direction": "down"})
    assert [p.key for p in selectors.module_pieces(module)] == ["p2", "p1", "p3"]
    client.post(reverse("learning:piece_delete", kwargs=kwargs))
    assert [p.key for p in selectors.module_pieces(module)] == ["p2", "p3"]
    assert selectors.completed_keys(selectors.progress_for(user=learner, module=module)) == set()


def test_questions_crud(client):
    client.force_login(UserFactory(is_staff=True))
    module = ModuleFactory()
    piece = quiz(module)
    kwargs = {"module_slug": module.slug, "piece_key": piece.key}
    create = reverse("learning:question_create", kwargs=kwargs)
    page = client.get(create)
    assert page.status_code == 200
    data = {
        "submission": token(page),
        "kind": "single",
        "text": "Qui publie ?",
        "answers": "+ La commune | Oui.\n- Personne | Non.",
        "explanation": "",
    }
    assert client.post(create, data).status_code == 302
    question = piece.questions.get(text="Qui publie ?")
    assert [(a.text, a.correct, a.feedback) for a in question.answers.all()] == [
        ("La commune", True, "Oui."),
        ("Personne", False, "Non."),
    ]
    edit = reverse("learning:question_edit", kwargs={**kwargs, "question_key": question.key})
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "answers": "+ A\n+ B"}).status_code == 400  # single: exactly one right
    assert client.post(edit, {**data, "answers": "A\n+ B"}).status_code == 400  # no sign
    assert client.post(edit, {**data, "kind": "multiple", "answers": "+ A\n+ B\n- C"}).status_code == 302
    question.refresh_from_db()
    assert question.kind == Question.Kind.MULTIPLE and question.answers.count() == 3
    client.post(reverse("learning:question_delete", kwargs={**kwargs, "question_key": question.key}))
    assert not piece.questions.filter(pk=question.pk).exists()
    text_piece = module.pieces.create(key="texte", kind="text", title="Texte", body="x")
    assert (
        client.get(reverse("learning:question_create", kwargs={**kwargs, "piece_key": text_piece.key})).status_code
        == 404
    )


def test_partner_editor_writes_for_own_organisation_only(client, partner_editor):
    client.force_login(partner_editor)
    organisation = partner_editor.memberships.get().organisation
    page = client.get(reverse("learning:module_create"))
    assert page.status_code == 200
    data = {
        "submission": token(page),
        "title": "Module partenaire",
        "topic": TopicFactory().pk,
        "summary": "Résumé.",
        "level": "debutant",
        "minutes": "10",
        "objectives": "Un objectif",
        "organisation": organisation.pk,
    }
    assert client.post(reverse("learning:module_create"), {**data, "organisation": ""}).status_code == 400
    assert client.post(reverse("learning:module_create"), data).status_code == 302
    module = Module.objects.get(slug="module-partenaire")
    assert module.organisation == organisation
    assert client.get(reverse("learning:module_edit", kwargs={"module_slug": module.slug})).status_code == 200
    agency_module = ModuleFactory()
    assert client.get(reverse("learning:module_edit", kwargs={"module_slug": agency_module.slug})).status_code == 404
    listing = client.get(reverse("learning:manage_list")).content.decode()
    assert "Module partenaire" in listing and agency_module.title not in listing


def test_feedback_summary(client, partner_editor):
    organisation = partner_editor.memberships.get().organisation
    module, _pieces = module_with_pieces(1, organisation=organisation)
    for useful, clear, comment in [(True, 5, "Parfait"), (False, 2, "")]:
        services.feedback_submit(user=UserFactory(), module=module, useful=useful, clear=clear, comment=comment)
    url = reverse("learning:feedback_summary", kwargs={"module_slug": module.slug})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(partner_editor)
    content = client.get(url).content.decode()
    assert "3,5 / 5" in content or "3.5 / 5" in content
    assert "Parfait" in content


def test_programme_page_shows_the_catalogue(client):
    ModuleFactory()
    content = client.get(reverse("core:programme_learning")).content.decode()
    assert reverse("learning:catalogue") in content


def test_piece_kinds_render(client):
    module = ModuleFactory()
    for kind, extra in [
        ("resource", {"url": "https://cnil.fr/guide", "description": "Le guide"}),
        ("workshop", {"place": "Mairie de Bayonne", "description": "Atelier"}),
        ("video", {"url": "https://video.exemple.fr/v", "transcript": "Texte de la vidéo"}),
    ]:
        Piece.objects.create(module=module, key=kind, kind=kind, title=kind.title(), **extra)
    for kind in ("resource", "workshop", "video"):
        assert client.get(piece_url(module, kind)).status_code == 200
    assert "Texte de la vidéo" in client.get(piece_url(module, "video")).content.decode()


def test_uploaded_files_are_served_to_who_may_see_the_module(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    module = ModuleFactory(state=Module.State.DRAFT)
    url = reverse("learning:piece_create", kwargs={"module_slug": module.slug}) + "?type=document"
    pdf = SimpleUploadedFile("diaporama.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(url, {"title": "Le diaporama", "file": pdf}).status_code == 302
    assert client.post(url, {"title": "Sans fichier"}).status_code == 400  # a document needs its file
    video_url = reverse("learning:piece_create", kwargs={"module_slug": module.slug}) + "?type=video"
    video = SimpleUploadedFile("video.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    captions = SimpleUploadedFile("video.vtt", b"WEBVTT\n", content_type="text/vtt")
    assert client.post(video_url, {"title": "La vidéo", "file": video, "captions": captions}).status_code == 302
    document = module.pieces.get(kind="document")
    kwargs = {"module_slug": module.slug, "piece_key": document.key}
    file_url = reverse("learning:piece_file", kwargs=kwargs)
    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert (
        reverse("learning:piece_file", kwargs=kwargs)
        in client.get(reverse("learning:piece", kwargs=kwargs)).content.decode()
    )
    video_piece = module.pieces.get(kind="video")
    video_kwargs = {"module_slug": module.slug, "piece_key": video_piece.key}
    page = client.get(reverse("learning:piece", kwargs=video_kwargs)).content.decode()
    assert '<track kind="captions"' in page and reverse("learning:piece_captions", kwargs=video_kwargs) in page
    response = client.get(reverse("learning:piece_captions", kwargs=video_kwargs))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/vtt")
    # a text piece has no file; a draft's files are not served to others
    assert client.get(reverse("learning:piece_file", kwargs={**kwargs, "piece_key": "nexiste-pas"})).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 404
    module.state = Module.State.PUBLISHED
    module.save()
    assert client.get(file_url).status_code == 200


def test_dashboard_block(client):
    user = UserFactory()
    client.force_login(user)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("learning:my_training") in content and "Des modules courts" in content
    module, pieces = module_with_pieces(1)
    other, other_pieces = module_with_pieces(2)
    services.piece_complete(user=user, module=module, piece=pieces[0])
    services.piece_complete(user=user, module=other, piece=other_pieces[0])
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 module en cours" in content and "1 module terminé" in content
