"""The content loader (`learning_load_content`): the format of auzolan/learning/content/, idempotent, updates in place
by slug and key, keeps learners' progress, drops only a removed piece's completion."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from auzolan.core.errors import ValidationError
from auzolan.learning import selectors, services
from auzolan.learning.models import Answer, Competence, Framework, Level, Module, Path, Piece, Question, Topic
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Framework, Competence, Level, Topic, Module, Piece, Question, Answer, Path)]


def test_loads_everything(content_dir):
    counts = services.content_load(directory=content_dir)
    assert counts == {"frameworks": 1, "topics": 2, "modules": 2, "modules_changed": 2, "paths": 2}
    module = Module.objects.get(slug="open-data-par-defaut")
    assert module.state == Module.State.PUBLISHED
    assert module.topic.slug == "open-data"
    assert [c.code for c in module.competences.all()] == ["1.3"]
    assert list(module.pieces.values_list("key", flat=True)) == ["obligation", "commencer", "guide", "quiz"]
    quiz = module.pieces.get(key="quiz")
    assert (quiz.pass_mark, quiz.max_attempts) == (50, 2)
    assert quiz.questions.get(key="formats").answers.filter(correct=True).count() == 2
    assert Topic.objects.get(slug="open-data").title_eu == "Datu irekiak"
    path = Path.objects.get(slug="referent-donnees")
    assert [str(item) for item in path.items.all()] == ["L'open data par défaut", "Atelier publication"]
    assert Framework.objects.get().levels.count() == 2


def test_idempotent(content_dir):
    services.content_load(directory=content_dir)
    before = _counts()
    counts = services.content_load(directory=content_dir)
    assert counts["modules_changed"] == 0
    assert _counts() == before
    assert Module.objects.get(slug="open-data-par-defaut").revision == 1


def test_reload_keeps_progress_and_drops_a_removed_piece(content_dir, tmp_path):
    services.content_load(directory=content_dir)
    user = UserFactory()
    module = Module.objects.get(slug="open-data-par-defaut")
    for key in ("obligation", "commencer", "guide"):
        services.piece_complete(user=user, module=module, piece=module.pieces.get(key=key))
    # the editors fix a typo in one piece and remove another
    directory = tmp_path / "content"
    shutil.copytree(content_dir, directory)
    file = directory / "modules" / "open-data-par-defaut.json"
    data = json.loads(file.read_text())
    data["pieces"][0]["title"] = "L'obligation légale"
    data["pieces"] = [p for p in data["pieces"] if p["key"] != "commencer"]
    file.write_text(json.dumps(data))
    counts = services.content_load(directory=directory)
    assert counts["modules_changed"] == 1
    module.refresh_from_db()
    assert module.revision == 2
    assert module.pieces.get(key="obligation").title == "L'obligation légale"
    progress = selectors.progress_for(user=user, module=module)
    assert selectors.completed_keys(progress) == {"obligation", "guide"}


def test_unknown_topic_is_refused_with_its_name(content_dir, tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(content_dir, directory)
    file = directory / "modules" / "reconnaitre-hameconnage.json"
    data = json.loads(file.read_text())
    data["topic"] = "inconnu"
    file.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match="inconnu"):
        services.content_load(directory=directory)
    assert not Module.objects.exists()  # atomic: nothing half-loaded


def test_single_question_with_two_right_answers_refused(content_dir, tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(content_dir, directory)
    file = directory / "modules" / "reconnaitre-hameconnage.json"
    data = json.loads(file.read_text())
    data["pieces"][2]["questions"][0]["answers"][1]["correct"] = True
    file.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match="exactement une bonne réponse"):
        services.content_load(directory=directory)


def test_command(content_dir):
    out = StringIO()
    call_command("learning_load_content", path=str(content_dir), stdout=out)
    assert "2 module(s)" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("learning_load_content", path=str(content_dir / "absent"), stdout=out)
