"""Basque versions of learning's texts: `<field>_eu` columns, shown by `translation.localized` when the active language
is Basque and the text is written (French otherwise), edited in the editors' forms, read by the content loader."""

import json
import shutil

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from auzolan.core.errors import ValidationError
from auzolan.learning import services
from auzolan.learning.models import Answer, Module, Path, PathItem, Piece, Question, Topic
from auzolan.learning.translation import eu_fields, localized
from tests.accounts.factories import UserFactory
from tests.learning.factories import (
    ModuleFactory,
    PathFactory,
    PathItemFactory,
    PieceFactory,
    module_with_pieces,
    quiz,
)

pytestmark = pytest.mark.django_db


def basque(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "eu"
    return client


def test_every_learner_text_has_a_basque_column():
    for model in (Topic, Module, Piece, Question, Answer, Path, PathItem):
        for name in eu_fields(model):
            model._meta.get_field(name)  # raises if missing
    assert set(eu_fields(Piece)) == {"title_eu", "body_eu", "description_eu", "transcript_eu"}


def test_localized_falls_back_to_french():
    module = Module(title="Les bases", title_eu="Oinarriak", summary="Un résumé.", objectives=["Agir"])
    with translation.override("eu"):
        assert localized(module, "title") == "Oinarriak"
        assert localized(module, "summary") == "Un résumé."  # no Basque summary: the French one
        assert localized(module, "objectives") == ["Agir"]
    with translation.override("fr"):
        assert localized(module, "title") == "Les bases"


@pytest.fixture
def world():
    module, (first, second) = module_with_pieces(
        2, title="Le RGPD en mairie", title_eu="DBEO udaletxean", summary="Résumé français.", objectives=["Agir"]
    )
    module.objectives_eu = ["Jardun"]
    module.save()
    first.body_eu = "Testu **lodia** <script>alert(1)</script>"
    first.title_eu = "Lehen urratsa"
    first.save()
    piece = quiz(module, key="galdetegia")
    question = piece.questions.get(key="single")
    question.text_eu = "Aukera bakarra?"
    question.save()
    question.answers.filter(key="a").update(text_eu="Zuzena")
    path = PathFactory(title="Parcours élu", description="Description française.", description_eu="Euskarazko azalpena")
    PathItemFactory(path=path, module=module)
    PathItemFactory(path=path, module=None, workshop_title="Atelier à Bayonne", workshop_title_eu="Tailerra Baionan")
    return module, first, second, path


def test_pages_in_basque_show_basque_text_or_french(client, world):
    module, first, second, path = world
    basque(client)
    catalogue = client.get(reverse("learning:catalogue")).content.decode()
    assert "DBEO udaletxean" in catalogue and "Euskarazko azalpena" in catalogue
    detail = client.get(module.get_absolute_url()).content.decode()
    assert "DBEO udaletxean" in detail and "Jardun" in detail
    assert '<p class="lead" lang="fr">Résumé français.</p>' in detail  # no Basque summary: French, marked so
    assert "<h1>DBEO udaletxean</h1>" in detail
    assert "Le RGPD en mairie" not in detail
    player = client.get(reverse("learning:piece", args=[module.slug, first.key])).content.decode()
    assert "Testu <strong>lodia</strong>" in player and "<script>alert" not in player  # same renderer and nh3
    second_page = client.get(reverse("learning:piece", args=[module.slug, second.key])).content.decode()
    assert '<div lang="fr"><p>Un <strong>texte</strong>.</p>' in second_page  # no Basque body
    assert "Lehen urratsa" in player and second.title in player  # the next piece has no Basque title
    client.force_login(UserFactory())
    quiz_page = client.get(reverse("learning:piece", args=[module.slug, "galdetegia"])).content.decode()
    assert "Aukera bakarra?" in quiz_page and "Zuzena" in quiz_page and "Choix multiple ?" in quiz_page
    path_page = client.get(path.get_absolute_url()).content.decode()
    assert "Euskarazko azalpena" in path_page and "Tailerra Baionan" in path_page and "DBEO udaletxean" in path_page
    mine = client.get(reverse("learning:my_training")).content.decode()
    assert "DBEO udaletxean" in mine  # the quiz page above started the module for this person


def test_pages_in_french_ignore_basque(client, world):
    module, first, _second, path = world
    detail = client.get(module.get_absolute_url()).content.decode()
    assert "Le RGPD en mairie" in detail and "DBEO udaletxean" not in detail and "Jardun" not in detail
    player = client.get(reverse("learning:piece", args=[module.slug, first.key])).content.decode()
    assert "Testu" not in player
    assert '<p class="lead">Résumé français.</p>' in detail  # French pages mark nothing
    assert "Description française." in client.get(path.get_absolute_url()).content.decode()


def test_editor_forms_save_and_validate_basque(client):
    client.force_login(UserFactory(is_staff=True))
    module = ModuleFactory(state=Module.State.PUBLISHED)
    piece = PieceFactory(module=module, key="p1", title="Étape", body="Texte.")
    edit = reverse("learning:module_edit", args=[module.slug])
    page = client.get(edit).content.decode()
    assert "En basque (euskara)" in page and 'name="summary_eu"' in page
    data = {
        "title": module.title,
        "topic": module.topic_id,
        "summary": module.summary,
        "level": module.level,
        "minutes": module.minutes,
        "audiences": module.audiences,
        "objectives": "\n".join(module.objectives),
        "title_eu": "Izenburua",
        "summary_eu": "Laburpena",
        "objectives_eu": "Ulertu\n\nJardun",
    }
    assert client.post(edit, {**data, "summary_eu": "x" * 1001}).status_code == 400  # same limit as French
    revision = Module.objects.get(pk=module.pk).revision
    assert client.post(edit, data).status_code == 302
    module.refresh_from_db()
    assert (module.title_eu, module.summary_eu, module.objectives_eu) == (
        "Izenburua",
        "Laburpena",
        ["Ulertu", "Jardun"],
    )
    assert module.revision == revision + 1  # a Basque text of a published module is an edit like a French one
    piece_edit = reverse("learning:piece_edit", args=[module.slug, piece.key])
    assert 'name="body_eu"' in client.get(piece_edit).content.decode()
    assert client.post(piece_edit, {"title": "Étape", "body": "Texte.", "body_eu": "x" * 50_001}).status_code == 400
    assert client.post(piece_edit, {"title": "Étape", "body": "Texte.", "body_eu": "Testua."}).status_code == 302
    module.refresh_from_db()
    assert Piece.objects.get(pk=piece.pk).body_eu == "Testua." and module.revision == revision + 2
    quiz_piece = quiz(module, key="q")
    create = reverse("learning:question_create", args=[module.slug, quiz_piece.key])
    data = {"kind": "single", "text": "Qui ?", "answers": "+ La commune | Oui.\n- Personne", "text_eu": "Nork?"}
    response = client.post(create, {**data, "answers_eu": "Udalerria"})
    assert response.status_code == 400 and "autant de réponses en basque" in response.content.decode()
    assert client.post(create, {**data, "answers_eu": "Udalerria | Bai.\nInor ez"}).status_code == 302
    question = quiz_piece.questions.get(text="Qui ?")
    assert question.text_eu == "Nork?"
    assert [(a.text_eu, a.feedback_eu) for a in question.answers.all()] == [("Udalerria", "Bai."), ("Inor ez", "")]
    edit_question = reverse("learning:question_edit", args=[module.slug, quiz_piece.key, question.key])
    assert "Udalerria | Bai.\nInor ez" in client.get(edit_question).content.decode()


def test_loader_reads_basque_keys(content_dir, tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(content_dir, directory)
    topics = json.loads((directory / "topics.json").read_text())
    topics[0]["description_eu"] = "Datu publikoak argitaratu."
    (directory / "topics.json").write_text(json.dumps(topics))
    file = directory / "modules" / "open-data-par-defaut.json"
    data = json.loads(file.read_text())
    data.update(summary_eu="Laburpena", objectives_eu=["Ulertu", "Argitaratu"])
    data["pieces"][0].update(title_eu="Betebeharra", body_eu="Testua.")
    quiz_data = next(p for p in data["pieces"] if p["kind"] == "quiz")
    quiz_data["questions"][0].update(text_eu="Galdera?", explanation_eu="Azalpena.")
    quiz_data["questions"][0]["answers"][0].update(text_eu="Erantzuna", feedback_eu="Bai.")
    file.write_text(json.dumps(data))
    paths = json.loads((directory / "paths.json").read_text())
    paths[0]["description_eu"] = "Datuak argitaratu."
    paths[0]["modules"][1].update(workshop_eu="Argitalpen tailerra", description_eu="Baionan.")
    (directory / "paths.json").write_text(json.dumps(paths))

    services.content_load(directory=directory)
    assert Topic.objects.get(slug=topics[0]["slug"]).description_eu == "Datu publikoak argitaratu."
    module = Module.objects.get(slug="open-data-par-defaut")
    assert (module.summary_eu, module.objectives_eu) == ("Laburpena", ["Ulertu", "Argitaratu"])
    piece = module.pieces.get(key=data["pieces"][0]["key"])
    assert (piece.title_eu, piece.body_eu) == ("Betebeharra", "Testua.")
    question = Question.objects.get(piece__module=module, key=quiz_data["questions"][0]["key"])
    assert (question.text_eu, question.explanation_eu) == ("Galdera?", "Azalpena.")
    answer = question.answers.get(key=quiz_data["questions"][0]["answers"][0]["key"])
    assert (answer.text_eu, answer.feedback_eu) == ("Erantzuna", "Bai.")
    path = Path.objects.get(slug=paths[0]["slug"])
    assert path.description_eu == "Datuak argitaratu."
    workshop = path.items.get(module__isnull=True)
    assert (workshop.workshop_title_eu, workshop.workshop_description_eu) == ("Argitalpen tailerra", "Baionan.")

    data["objectives_eu"] = "Ulertu"  # a list is expected, like the French objectives
    file.write_text(json.dumps(data))
    with pytest.raises(ValidationError):
        services.content_load(directory=directory)
