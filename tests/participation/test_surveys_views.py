"""Survey pages over HTTP: building, answering (errors kept and linked, double submission, garbage), results,
XSS, CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from auzolan.participation.models import Answer, Question, Survey, SurveyResponse
from auzolan.participation.services import surveys as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import process_with_phase
from tests.participation.factories_surveys import SurveyFactory, manager_of, question

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def process():
    return process_with_phase("survey")


@pytest.fixture
def survey(process):
    survey = SurveyFactory(process=process, title="Le parc")
    single = question(survey, "single", ["Oui", "Non"], required=True, position=0, label="Venez-vous au parc ?")
    why = question(survey, "text", position=1, label="Pourquoi pas ?", required=True)
    why.condition_choice = single.choices.get(label="Non")
    why.save()
    question(survey, "multiple", ["Matin", "Midi", "Soir"], max_choices=2, position=2, label="Quand ?")
    question(survey, "scale", position=3, label="Note", scale_min_label="Mauvais", scale_max_label="Très bien")
    question(survey, "ranking", ["Bancs", "Arbres", "Jeux"], position=4, label="Priorités")
    return survey


def _url(name, survey, **extra):
    return reverse(f"participation:{name}", kwargs={"slug": survey.process.slug, "pk": survey.pk, **extra})


def _q(survey, label):
    return Question.objects.get(survey=survey, label=label)


def _choice(q, label):
    return str(q.choices.get(label=label).pk)


def _valid_post(survey, **overrides):
    single, multiple = _q(survey, "Venez-vous au parc ?"), _q(survey, "Quand ?")
    scale, ranking = _q(survey, "Note"), _q(survey, "Priorités")
    data = {
        f"q{single.pk}": _choice(single, "Oui"),
        f"q{multiple.pk}": [_choice(multiple, "Matin"), _choice(multiple, "Soir")],
        f"q{scale.pk}": "4",
    }
    for rank, label in enumerate(["Arbres", "Bancs", "Jeux"], start=1):
        data[f"q{ranking.pk}_c{_choice(ranking, label)}"] = str(rank)
    data.update(overrides)
    return data


# --- Answering ---------------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_questions_and_is_asked_to_log_in(client, survey):
    response = client.get(_url("survey_detail", survey))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Le parc" in content and "Connectez-vous" in content
    assert "Envoyer ma réponse" not in content
    response = client.post(_url("survey_detail", survey), _valid_post(survey))
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_answer_and_come_back(client, survey):
    client.force_login(UserFactory())
    page = client.get(_url("survey_detail", survey)).content.decode()
    assert "Envoyer ma réponse" in page and 'data-condition="' in page
    assert "Répondez seulement si vous avez choisi « Non »" in page
    response = client.post(_url("survey_detail", survey), _valid_post(survey))
    assert response.status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    page = client.get(_url("survey_detail", survey)).content.decode()
    assert "Vous avez répondu" in page and "Envoyer ma réponse" not in page


def test_errors_are_linked_to_their_question_and_answers_are_kept(client, survey):
    client.force_login(UserFactory())
    single, why, multiple = _q(survey, "Venez-vous au parc ?"), _q(survey, "Pourquoi pas ?"), _q(survey, "Quand ?")
    data = _valid_post(
        survey,
        **{
            f"q{single.pk}": _choice(single, "Non"),  # shows "why", which is required and left empty
            f"q{multiple.pk}": [_choice(multiple, label) for label in ("Matin", "Midi", "Soir")],  # over the max
        },
    )
    response = client.post(_url("survey_detail", survey), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert f'id="q{why.pk}-error"' in content and f'id="q{multiple.pk}-error"' in content
    assert f'aria-describedby="q{why.pk}-condition q{why.pk}-error"' in content
    assert "Cette question demande une réponse." in content and "au plus 2 réponses" in content
    # What was typed or picked is still there.
    assert (
        f'id="q{single.pk}-c{_choice(single, "Non")}" name="q{single.pk}" value="{_choice(single, "Non")}" data-choice'
        in content
    )
    assert content.count(f'name="q{multiple.pk}"') == 3 and content.count("checked") >= 4
    assert "selected>1</option>" in content
    assert "error-summary" in content and f'href="#q{why.pk}-r' not in content


def test_typed_text_is_kept_on_error(client, survey):
    client.force_login(UserFactory())
    single, why, scale = _q(survey, "Venez-vous au parc ?"), _q(survey, "Pourquoi pas ?"), _q(survey, "Note")
    data = _valid_post(
        survey, **{f"q{single.pk}": _choice(single, "Non"), f"q{why.pk}": "Trop <b>loin</b>", f"q{scale.pk}": "9"}
    )
    response = client.post(_url("survey_detail", survey), data)
    assert response.status_code == 400
    assert "Trop &lt;b&gt;loin&lt;/b&gt;</textarea>" in response.content.decode()


@pytest.mark.parametrize(
    "garbage",
    [
        {"q999999": "1"},
        {"qabc": "x"},
        {"q{single}": "<script>"},
        {"q{single}": ["1", "2"]},
        {"q{ranking}_c0": "9"},
        {"q{ranking}_c{choice}": "-1"},
        {"submission": "not-a-uuid"},
    ],
)
def test_garbage_posts_never_fail(client, survey, garbage):
    client.force_login(UserFactory())
    single, ranking = _q(survey, "Venez-vous au parc ?"), _q(survey, "Priorités")
    values = {"single": single.pk, "ranking": ranking.pk, "choice": ranking.choices.first().pk}
    data = _valid_post(survey)
    data.update({key.format(**values): value for key, value in garbage.items()})
    response = client.post(_url("survey_detail", survey), data)
    assert response.status_code in (302, 400)


def test_double_submission_of_the_same_form_counts_once(client, survey):
    client.force_login(UserFactory())
    data = _valid_post(survey, submission="6f1c1b0e-4a3b-4a59-9d8c-111111111111")
    assert client.post(_url("survey_detail", survey), data).status_code == 302
    response = client.post(_url("survey_detail", survey), data, follow=True)
    assert SurveyResponse.objects.count() == 1
    assert "une seule réponse est comptée" in response.content.decode() or "qu'une fois" in response.content.decode()


def test_two_tabs_give_one_response_and_a_clear_message(client, survey, monkeypatch):
    user = UserFactory()
    client.force_login(user)
    # Tab 1 and tab 2 were both opened before answering; tab 2 posts after tab 1.
    monkeypatch.setattr(services, "has_answered", lambda **kwargs: False)
    first = client.post(
        _url("survey_detail", survey), _valid_post(survey, submission="6f1c1b0e-4a3b-4a59-9d8c-000000000001")
    )
    second = client.post(
        _url("survey_detail", survey),
        _valid_post(survey, submission="6f1c1b0e-4a3b-4a59-9d8c-000000000002"),
        follow=True,
    )
    assert first.status_code == 302
    assert SurveyResponse.objects.count() == 1
    assert "déjà répondu" in second.content.decode()


def test_unpublished_survey_is_hidden_from_the_public_and_previewed_by_managers(client, survey):
    Survey.objects.filter(pk=survey.pk).update(published_at=None)
    assert client.get(_url("survey_detail", survey)).status_code == 404
    client.force_login(manager_of(survey.process))
    page = client.get(_url("survey_detail", survey))
    assert page.status_code == 200 and "Aperçu" in page.content.decode()


# --- Building over HTTP ------------------------------------------------------------------------------------


def test_manager_builds_and_publishes_a_survey(client, process):
    client.force_login(manager_of(process))
    list_url = reverse("participation:survey_manage_list", kwargs={"slug": process.slug})
    assert client.get(list_url).status_code == 200
    response = client.post(
        list_url, {"title": "Mobilités", "introduction": "", "is_anonymous": "on", "results_public": "on"}
    )
    survey = Survey.objects.get(title="Mobilités")
    assert response.status_code == 302 and response.url == _url("survey_manage", survey)
    create = _url("survey_question_create", survey)
    assert client.get(create).status_code == 200
    response = client.post(create, {"kind": "single", "label": "Vélo ?", "choices": "Oui\r\nNon\r\n"})
    assert response.status_code == 302
    first = Question.objects.get(survey=survey)
    response = client.post(
        create, {"kind": "text", "label": "Pourquoi ?", "condition_choice": str(first.choices.get(label="Non").pk)}
    )
    assert response.status_code == 302
    second = Question.objects.get(label="Pourquoi ?")
    assert second.condition_choice.label == "Non"
    # An error is shown on the form, not a 500.
    response = client.post(create, {"kind": "single", "label": "Seul", "choices": "Un"})
    assert response.status_code == 400 and "au moins deux choix" in response.content.decode()
    response = client.post(create, {"kind": "text", "label": "X", "condition_choice": "99999"})
    assert response.status_code == 400
    edit = _url("survey_question_edit", survey, question_pk=first.pk)
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"kind": "single", "label": "Vélo souvent ?", "choices": "Oui\nNon"}).status_code == 302
    action = _url("survey_question_action", survey, question_pk=second.pk)
    client.post(action, {"action": "up"})  # refused: depends on the first question
    assert list(Question.objects.filter(survey=survey).values_list("pk", flat=True)) == [first.pk, second.pk]
    client.post(_url("survey_state", survey), {"action": "publish"})
    survey.refresh_from_db()
    assert survey.published_at is not None
    page = client.get(_url("survey_manage", survey)).content.decode()
    assert "Vélo souvent ?" in page and "Retirer la publication" in page
    client.post(_url("survey_question_action", survey, question_pk=second.pk), {"action": "delete"})
    assert not Question.objects.filter(pk=second.pk).exists()
    client.post(_url("survey_state", survey), {"action": "delete"})
    assert not Survey.objects.filter(pk=survey.pk).exists()


@pytest.mark.parametrize("name", ["survey_manage", "survey_question_create", "survey_manage_results", "survey_export"])
def test_management_pages_are_404_for_others(client, survey, name):
    assert client.get(_url(name, survey)).status_code == 302  # login first
    client.force_login(UserFactory())
    assert client.get(_url(name, survey)).status_code == 404
    assert client.post(_url("survey_state", survey), {"action": "delete"}).status_code == 404
    assert Survey.objects.filter(pk=survey.pk).exists()


# --- Results, XSS, export ----------------------------------------------------------------------------------


def _answer(survey, user=None, *, text=None, **choices):
    single, why = _q(survey, "Venez-vous au parc ?"), _q(survey, "Pourquoi pas ?")
    answers = {single.pk: int(_choice(single, "Non" if text is not None else "Oui"))}
    if text is not None:
        answers[why.pk] = text
    return services.survey_answer(actor=user or UserFactory(), survey=survey, answers=answers)


def test_public_results_with_charts_and_tables(client, survey):
    for _ in range(15):
        _answer(survey)
    for _ in range(5):
        _answer(survey, text="Trop loin de chez moi")
    page = client.get(_url("survey_results", survey))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'role="img"' in content and "<title id=" in content and "<desc id=" in content
    assert "<caption>" in content and 'scope="row"' in content
    assert "75.0 %" in content  # 15 of 20 said yes
    assert "Trop loin de chez moi" not in content  # free texts are private by default


def test_public_results_hide_small_counts_like_the_statistics(client, survey):
    """Survey results showed counts under 5 that the statistics page hides: one small-count rule everywhere."""
    for _ in range(7):
        _answer(survey)
    _answer(survey, text="Trop loin")  # one "Non": 1 < 5
    single = _q(survey, "Venez-vous au parc ?")
    public = client.get(_url("survey_results", survey)).content.decode()
    section = public[public.index(f'id="result-{single.pk}"') :][:6000]
    assert "moins de 5" in section
    # One hidden figure would be found by subtraction from the 8 respondents: the 7 is hidden too.
    assert '<td class="numeric">1</td>' not in section and '<td class="numeric">7</td>' not in section
    assert "87.5 %" not in section and "12.5 %" not in section
    # The conditional question was answered by one person: no detail at all for the public.
    why = _q(survey, "Pourquoi pas ?")
    assert "Moins de 5 personnes ont répondu" in public[public.index(f'id="result-{why.pk}"') :][:2000]
    # The organisation sees exact figures, marked where the public does not.
    client.force_login(manager_of(survey.process))
    managed = client.get(_url("survey_manage_results", survey)).content.decode()
    section = managed[managed.index(f'id="result-{single.pk}"') :][:6000]
    assert '<td class="numeric">1</td>' in section and '<td class="numeric">7</td>' in section
    assert "masqué au public" in section


def test_questions_are_numbered_without_gaps_when_a_conditional_one_is_hidden(client, survey):
    """A survey showed its questions numbered 1 then 3: the conditional question took a number of its own."""
    client.force_login(UserFactory())
    content = client.get(_url("survey_detail", survey)).content.decode()
    for number, label in [
        ("1", "Venez-vous au parc ?"),
        ("1a", "Pourquoi pas ?"),
        ("2", "Quand ?"),
        ("3", "Note"),
        ("4", "Priorités"),
    ]:
        assert f"{number}. {label}" in content, label
    results = client.get(_url("survey_results", survey)).content.decode()
    assert "2. Quand ?" in results and "1a. Pourquoi pas ?" in results


def test_private_results_are_for_the_organisation(client, survey):
    Survey.objects.filter(pk=survey.pk).update(results_public=False)
    assert client.get(_url("survey_results", survey)).status_code == 404
    client.force_login(manager_of(survey.process))
    assert client.get(_url("survey_results", survey)).status_code == 200


def test_free_texts_are_public_only_when_approved_and_allowed(client, survey):
    response = _answer(survey, text="Texte approuvé")
    _answer(survey, text="Texte non approuvé")
    manager = manager_of(survey.process)
    answer = Answer.objects.get(response=response, text="Texte approuvé")
    services.answer_text_moderate(actor=manager, answer=answer, published=True)
    assert "Texte approuvé" not in client.get(_url("survey_results", survey)).content.decode()
    Survey.objects.filter(pk=survey.pk).update(free_texts_public=True)
    content = client.get(_url("survey_results", survey)).content.decode()
    assert "Texte approuvé" in content and "Texte non approuvé" not in content
    client.force_login(manager)
    content = client.get(_url("survey_manage_results", survey)).content.decode()
    assert "Texte approuvé" in content and "Texte non approuvé" in content
    other = Answer.objects.get(text="Texte non approuvé")
    moderate = _url("survey_answer_moderate", survey, answer_pk=other.pk)
    assert client.post(moderate, {"publish": "1"}).status_code == 302
    other.refresh_from_db()
    assert other.text_published
    client.force_login(UserFactory())
    assert client.post(moderate, {"publish": "0"}).status_code == 404


def test_xss_in_labels_choices_and_free_texts_is_escaped(client, process):
    survey = SurveyFactory(process=process, title=XSS, free_texts_public=True)
    single = question(survey, "single", [XSS, "Non"], label=XSS, help_text=XSS)
    text = question(survey, "text", label="Libre")
    user = UserFactory()
    response = services.survey_answer(
        actor=user, survey=survey, answers={single.pk: single.choices.get(label=XSS).pk, text.pk: XSS}
    )
    manager = manager_of(process)
    services.answer_text_moderate(actor=manager, answer=response.answers.get(question=text), published=True)
    client.force_login(manager)
    for url in (
        _url("survey_detail", survey),
        _url("survey_results", survey),
        _url("survey_manage_results", survey),
        _url("survey_manage", survey),
    ):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content and "<img src=x" not in content, url
        assert "&lt;script&gt;" in content, url


def _read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_of_an_anonymous_survey(client, survey):
    user = UserFactory(full_name="Jeanne Habitante", email="jeanne@exemple.fr")
    _answer(survey, user, text='=HYPERLINK("http://evil")')
    client.force_login(manager_of(survey.process))
    response = client.get(_url("survey_export", survey))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _read_csv(response)
    assert rows[0][:2] == ["réponse", "date"] and rows[0][2:] == [
        q.label for q in Question.objects.filter(survey=survey)
    ]
    flat = " ".join(" ".join(row) for row in rows)
    assert "jeanne" not in flat.lower() and "Habitante" not in flat and "exemple.fr" not in flat
    assert rows[1][0] == "1" and len(rows[1][1]) == 10  # a row number and the day only
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'  # formula guarded


def test_csv_export_of_a_signed_survey_and_formula_guard_on_labels(client, process):
    survey = SurveyFactory(process=process, is_anonymous=False)
    single = question(survey, "single", ["+33 6 00", "@cmd", "-2", "Normal"], label="=cmd|' /C calc'!A0")
    ranking = question(survey, "ranking", ["A", "B"], label="Classement")
    scale = question(survey, "scale", label="Échelle", scale_min=-2, scale_max=2)
    user = UserFactory(full_name="Paul Votant", email="paul@exemple.fr")
    a, b = ranking.choices.all()
    services.survey_answer(
        actor=user,
        survey=survey,
        answers={single.pk: single.choices.get(label="@cmd").pk, ranking.pk: {a.pk: 2, b.pk: 1}, scale.pk: -2},
    )
    client.force_login(manager_of(process))
    rows = _read_csv(client.get(_url("survey_export", survey)))
    assert rows[0][2:4] == ["nom", "adresse électronique"]
    assert rows[0][4] == "'=cmd|' /C calc'!A0"
    assert rows[1][2:4] == ["Paul Votant", "paul@exemple.fr"]
    assert rows[1][4] == "'@cmd" and rows[1][5] == "1. B ; 2. A" and rows[1][6] == "-2"


def test_results_page_query_count(client, survey, django_assert_max_num_queries):
    for _ in range(10):
        _answer(survey)
    with django_assert_max_num_queries(20):
        assert client.get(_url("survey_results", survey)).status_code == 200
