"""Participation pages: surveys (building, answering, results, CSV export), statistics of a process and the
publication of its data as open data.

Thin views: parse input, ask permission, call one service or selector, render. A process or a survey out of the
person's reach is a 404.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import Conflict
from auzolan.core.permissions import can
from auzolan.core.registry import Figure
from auzolan.core.spreadsheets import safe_cell
from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation.charts import bar_chart, survey_result_charts
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.surveys import AnswerForm, QuestionForm, SurveyForm
from auzolan.participation.models import Answer, Process, Question, Survey
from auzolan.participation.selectors import statistics as statistics_selectors
from auzolan.participation.selectors import surveys as selectors
from auzolan.participation.services import opendata as opendata_services
from auzolan.participation.services import surveys as services
from auzolan.participation.views.common import get_process


def _survey(request, process: Process, pk: int, action: str = "participation.view_survey") -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("process__organisation"), process=process, pk=pk)
    if not can(request.user, action, survey):
        raise Http404
    return survey


def _manage_url(survey: Survey) -> str:
    return reverse("participation:survey_manage", kwargs={"slug": survey.process.slug, "pk": survey.pk})


# --- Building (the organisation) ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def survey_manage_list(request, slug: str):
    process = get_process(request, slug, manage=True)
    submitted = submit_form(
        request,
        SurveyForm(request.POST or None),
        lambda data: services.survey_create(actor=request.user, process=process, **data),
        success=_("Le questionnaire est créé. Ajoutez maintenant ses questions."),
        redirect_to=_manage_url,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/surveys/manage_list.html",
        {
            "process": process,
            "surveys": list(selectors.process_surveys(process=process, include_unpublished=True)),
            "form": submitted.form,
        },
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def survey_manage(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    initial = {
        "title": survey.title,
        "introduction": survey.introduction,
        "is_anonymous": survey.is_anonymous,
        "results_public": survey.results_public,
        "free_texts_public": survey.free_texts_public,
        "audience": survey.audience,
    }
    submitted = submit_form(
        request,
        SurveyForm(request.POST or None, initial=initial),
        lambda data: services.survey_update(actor=request.user, survey=survey, **data),
        success=_("Le questionnaire est enregistré."),
        redirect_to=_manage_url(survey),
    )
    if submitted.response:
        return submitted.response
    questions = selectors.survey_questions(survey=survey)
    return render(
        request,
        "participation/surveys/manage.html",
        {
            "process": process,
            "survey": survey,
            "form": submitted.form,
            "questions": questions,
            "locked": services.is_locked(survey),
            "responses_count": survey.responses.count(),
        },
        status=submitted.status,
    )


@require_POST
@login_required
def survey_state(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    action = request.POST.get("action", "")
    back = _manage_url(survey)
    if action == "publish":
        return submit_action(
            request,
            lambda: services.survey_publish(actor=request.user, survey=survey),
            success=_("Le questionnaire est publié : les participants peuvent y répondre."),
            redirect_to=back,
        )
    if action == "unpublish":
        return submit_action(
            request,
            lambda: services.survey_unpublish(actor=request.user, survey=survey),
            success=_("Le questionnaire n'est plus visible des participants."),
            redirect_to=back,
        )
    if action == "delete":
        return submit_action(
            request,
            lambda: services.survey_delete(actor=request.user, survey=survey),
            success=_("Le questionnaire est supprimé."),
            redirect_to=reverse("participation:survey_manage_list", kwargs={"slug": process.slug}),
            error_redirect_to=back,
        )
    messages.error(request, _("Action inconnue."))
    return redirect(back)


def _question_form_page(request, process, survey, question):
    condition_choices = selectors.condition_choices(survey=survey, before=question)
    initial = QuestionForm.initial_for(question) if question else {"kind": request.GET.get("type", "single")}
    form = QuestionForm(request.POST or None, initial=initial, condition_choices=condition_choices)

    def save(_data):
        if question is None:
            return services.question_add(actor=request.user, survey=survey, **form.service_values())
        return services.question_update(actor=request.user, question=question, **form.service_values())

    submitted = submit_form(
        request, form, save, success=_("La question est enregistrée."), redirect_to=_manage_url(survey)
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/surveys/question_form.html",
        {
            "process": process,
            "survey": survey,
            "question": question,
            "form": submitted.form,
            "locked": services.is_locked(survey),
        },
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_create(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    return _question_form_page(request, process, survey, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_edit(request, slug: str, pk: int, question_pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    question = get_object_or_404(Question.objects.prefetch_related("choices"), survey=survey, pk=question_pk)
    return _question_form_page(request, process, survey, question)


@require_POST
@login_required
def question_action(request, slug: str, pk: int, question_pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    question = get_object_or_404(Question, survey=survey, pk=question_pk)
    action = request.POST.get("action", "")
    if action in ("up", "down"):
        return submit_action(
            request,
            lambda: services.question_move(actor=request.user, question=question, direction=action),
            success=None,
            redirect_to=_manage_url(survey) + f"#question-{question.pk}",
        )
    if action == "delete":
        return submit_action(
            request,
            lambda: services.question_delete(actor=request.user, question=question),
            success=_("La question est supprimée."),
            redirect_to=_manage_url(survey),
        )
    messages.error(request, _("Action inconnue."))
    return redirect(_manage_url(survey))


# --- Answering (participants) ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request, slug: str, pk: int):
    process = get_process(request, slug)
    survey = _survey(request, process, pk)
    questions = selectors.survey_questions(survey=survey)
    verdict = eligibility(request.user, process, "answer")
    answered = services.has_answered(user=request.user, survey=survey)
    is_open = survey.published_at is not None and verdict.allowed and not answered
    form = AnswerForm(request.POST or None, questions=questions)
    service_errors: dict[int, list[str]] = {}
    summary = ""
    status = 200
    if request.method == "POST" and not is_open:
        if answered:
            messages.info(request, _("Vous avez déjà répondu à ce questionnaire : une seule réponse est comptée."))
            return redirect(request.path)
        status = 403
    elif request.method == "POST":

        def refused(error):
            # The service's refusal goes next to each question it names ("q<id>"), with a summary at the top.
            nonlocal summary
            summary = error.message
            for key, texts in error.extra.items():
                if key.startswith("q") and key[1:].isdigit():
                    service_errors[int(key[1:])] = list(texts)

        submitted = submit_form(
            request,
            form,
            lambda _data: services.survey_answer(actor=request.user, survey=survey, answers=form.answers()),
            success=_("Merci ! Votre réponse est enregistrée."),
            redirect_to=request.path,
            duplicate=_("Ce formulaire a déjà été envoyé : votre réponse n'a pas été comptée deux fois."),
            on_error=refused,
        )
        if submitted.response:
            return submitted.response
        if isinstance(submitted.error, Conflict):  # answered meanwhile (another tab, a double click)
            messages.info(request, submitted.error.message)
            return redirect(request.path)
        status = submitted.status
        if submitted.error is None:
            summary = _("Votre réponse n'a pas été enregistrée : vérifiez les questions signalées.")
    blocks = form.blocks(service_errors)
    return render(
        request,
        "participation/surveys/answer.html",
        {
            "process": process,
            "survey": survey,
            "form": form,
            "blocks": blocks,
            "errors": [block for block in blocks if block["errors"]],
            "summary": summary,
            "verdict": verdict,
            "answered": answered,
            "is_open": is_open,
            "question_numbers": {q.pk: index for index, q in enumerate(questions, start=1)},
            "can_see_results": can(request.user, "participation.view_survey_results", survey),
            "can_manage": can(request.user, "participation.change_process", process),
        },
        status=status,
    )


# --- Results -----------------------------------------------------------------------------------------------


def _results_page(request, process, survey, *, for_organisation: bool):
    questions = selectors.survey_questions(survey=survey)
    results = selectors.survey_results(survey=survey, questions=questions, for_organisation=for_organisation)
    return render(
        request,
        "participation/surveys/results.html",
        {
            "process": process,
            "survey": survey,
            "total": results["total"],
            "items": survey_result_charts(results),
            "threshold": results["threshold"],
            "for_organisation": for_organisation,
            "can_manage": can(request.user, "participation.change_process", process),
        },
    )


@require_safe
def survey_results(request, slug: str, pk: int):
    process = get_process(request, slug)
    survey = _survey(request, process, pk, "participation.view_survey_results")
    return _results_page(request, process, survey, for_organisation=False)


@require_safe
@login_required
def survey_manage_results(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    return _results_page(request, process, survey, for_organisation=True)


@require_POST
@login_required
def answer_moderate(request, slug: str, pk: int, answer_pk: int):
    process = get_process(request, slug, action="participation.moderate")
    survey = _survey(request, process, pk, "participation.moderate")
    answer = get_object_or_404(Answer, question__survey=survey, pk=answer_pk)
    publish = request.POST.get("publish") == "1"
    url = reverse("participation:survey_manage_results", kwargs={"slug": process.slug, "pk": survey.pk})
    return submit_action(
        request,
        lambda: services.answer_text_moderate(actor=request.user, answer=answer, published=publish),
        success=_("La réponse est approuvée pour publication.") if publish else _("La réponse n'est plus publiée."),
        redirect_to=f"{url}#answer-{answer.pk}",
    )


class _Echo:
    def write(self, value):
        return value


@require_safe
@login_required
def survey_export(request, slug: str, pk: int):
    """CSV for the organisation: one row per response; anonymous surveys carry no account information."""
    process = get_process(request, slug, manage=True)
    survey = _survey(request, process, pk, "participation.change_process")
    questions = selectors.survey_questions(survey=survey)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so that spreadsheet software reads UTF-8
        yield writer.writerow([safe_cell(cell) for cell in selectors.export_header(survey=survey, questions=questions)])
        for row in selectors.export_rows(survey=survey, questions=questions):
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = slugify(survey.title)[:60] or "questionnaire"
    response["Content-Disposition"] = f'attachment; filename="reponses-{name}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Statistics and open data ------------------------------------------------------------------------------


@require_safe
def process_statistics(request, slug: str):
    process = get_process(request, slug, action="participation.view_statistics")
    figures = statistics_selectors.process_statistics(process=process)
    main = [
        (_("Participants"), figures["participants"]),
        (_("Propositions"), figures["proposals"]),
        (_("Soutiens"), figures["supports"]),
        (_("Commentaires"), figures["comments"]),
        (_("Réponses aux questionnaires"), figures["survey_responses"]),
        (_("Bulletins en ligne"), figures["ballots"]),
        (_("Bulletins papier"), figures["paper_ballots"]),
    ]
    chart = bar_chart(
        title=_("Participation à la démarche"),
        description=_("Nombre de participants et de contributions de chaque sorte."),
        items=[(label, value, str(value)) for label, value in main],
    )
    can_manage = can(request.user, "participation.change_process", process)
    return render(
        request,
        "participation/statistics/statistics.html",
        {
            "process": process,
            "figures": figures,
            "main": main,
            "chart": chart,
            "columns": statistics_selectors.district_column_labels(),
            "can_manage": can_manage,
            "open_data": statistics_selectors.open_data_link(process=process) if can_manage else None,
        },
    )


@require_POST
@login_required
def open_data_publish(request, slug: str):
    process = get_process(request, slug, manage=True)
    return submit_action(
        request,
        lambda: opendata_services.process_open_data_schedule(actor=request.user, process=process),
        success=_(
            "La publication des données est lancée : les fichiers sont préparés puis publiés dans le catalogue. "
            "Suivez l'avancement sur cette page."
        ),
        redirect_to=lambda job: reverse("core:job_detail", kwargs={"job_id": job.pk}),
        error_redirect_to=reverse("participation:process_statistics", kwargs={"slug": process.slug}),
    )


# --- Blocks on other pages ---------------------------------------------------------------------------------


def process_section(request, process: Process) -> dict | None:
    manager = can(request.user, "participation.change_process", process)
    surveys = list(selectors.process_surveys(process=process, include_unpublished=False))
    if not can(request.user, "participation.view_statistics", process):
        return None
    answered = selectors.answered_survey_ids(user=request.user, process=process)
    for survey in surveys:
        survey.process = process  # already loaded: the permission checks read it
    survey_items = [
        {
            "survey": survey,
            "results": can(request.user, "participation.view_survey_results", survey),
            "answered": survey.pk in answered,
        }
        for survey in surveys
    ]
    return {"process": process, "surveys": survey_items, "can_manage": manager}


def home_figures() -> list[Figure]:
    values = statistics_selectors.home_figures_values()
    return [Figure(label=_("personnes ont participé à une démarche"), value=values["participants"], url="")]


def answer_url(process: Process) -> str:
    """The page of the "answer" action of a phase: the process's first published survey (the process page if none)."""
    survey = selectors.process_surveys(process=process).first()
    if survey is None:
        return process.get_absolute_url()
    return reverse("participation:survey_detail", kwargs={"slug": process.slug, "pk": survey.pk})


M = "gerer/<slug:slug>/questionnaires/"
urlpatterns = [
    path(M, survey_manage_list, name="survey_manage_list"),
    path(M + "<int:pk>/", survey_manage, name="survey_manage"),
    path(M + "<int:pk>/etat/", survey_state, name="survey_state"),
    path(M + "<int:pk>/questions/nouvelle/", question_create, name="survey_question_create"),
    path(M + "<int:pk>/questions/<int:question_pk>/", question_edit, name="survey_question_edit"),
    path(M + "<int:pk>/questions/<int:question_pk>/action/", question_action, name="survey_question_action"),
    path(M + "<int:pk>/resultats/", survey_manage_results, name="survey_manage_results"),
    path(M + "<int:pk>/reponses.csv", survey_export, name="survey_export"),
    path(M + "<int:pk>/reponses/<int:answer_pk>/moderer/", answer_moderate, name="survey_answer_moderate"),
    path("gerer/<slug:slug>/open-data/", open_data_publish, name="process_open_data_publish"),
    path("<slug:slug>/questionnaires/<int:pk>/", survey_detail, name="survey_detail"),
    path("<slug:slug>/questionnaires/<int:pk>/resultats/", survey_results, name="survey_results"),
    path("<slug:slug>/statistiques/", process_statistics, name="process_statistics"),
]
