"""The public pages: published results (aggregates only), and the page where a pupil answers with their code (no
account, no name; rate-limited per address)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core import ratelimit
from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import get_object_for
from auzolan.impact import selectors, services
from auzolan.impact.forms import AnswerForm, CodeEntryForm
from auzolan.impact.views.manage import report_context

#: Code tries per address (a whole class answers from one school address: 30 pupils × 2 pages, with room to spare).
CODE_RATE = ratelimit.Rate.parse("150/h")


@require_safe
def results_list(request):
    return render(request, "impact/results_list.html", {"experiments": list(selectors.experiments_public())})


@require_safe
def results_detail(request, slug: str):
    experiment = get_object_for(request.user, "impact.view_results", selectors.experiment_detail_queryset(), slug=slug)
    context = {
        "experiment": experiment,
        "decisions": list(selectors.decisions(experiment=experiment)[:1]),
        **report_context(experiment),
    }
    return render(request, "impact/results_detail.html", context)


def _questionnaire(request, pupil_code, wave, data=None):
    instrument = wave.experiment.instrument
    return AnswerForm(
        data, instrument=instrument, items=list(instrument.items.all()), initial={"code": pupil_code.code}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request):
    """Step 1: the code (GET form, POST `step=code`); step 2: the questionnaire (POST `step=answers`); done."""
    if request.method != "POST":
        return render(request, "impact/answer_code.html", {"form": CodeEntryForm()})
    try:
        ratelimit.hit("impact-code", ratelimit.address(request), CODE_RATE)
    except ApplicationError as error:
        form = CodeEntryForm(request.POST)
        form.is_valid()
        add_service_error(form, error)
        return render(request, "impact/answer_code.html", {"form": form}, status=error.status)
    if request.POST.get("step") != "answers":
        form = CodeEntryForm(request.POST)
        if not form.is_valid():
            return render(request, "impact/answer_code.html", {"form": form}, status=400)
        try:
            pupil_code, wave = services.code_check(code=form.cleaned_data["code"])
        except ApplicationError as error:
            add_service_error(form, error)
            return render(request, "impact/answer_code.html", {"form": form}, status=error.status)
        context = {"form": _questionnaire(request, pupil_code, wave), "wave": wave}
        return render(request, "impact/answer_form.html", context)
    entry = CodeEntryForm({"code": request.POST.get("code", "")})
    try:
        pupil_code, wave = services.code_check(code=request.POST.get("code", ""))
    except ApplicationError as error:
        entry.is_valid()
        add_service_error(entry, error)
        return render(request, "impact/answer_code.html", {"form": entry}, status=error.status)
    form = _questionnaire(request, pupil_code, wave, request.POST)
    if not form.is_valid():
        return render(request, "impact/answer_form.html", {"form": form, "wave": wave}, status=400)
    try:
        services.response_submit(code=form.cleaned_data["code"], answers=form.answers())
    except ApplicationError as error:
        add_service_error(form, error)
        return render(request, "impact/answer_form.html", {"form": form, "wave": wave}, status=error.status)
    return render(request, "impact/answer_done.html", {})


urlpatterns = [
    path("experimentations/", results_list, name="results"),
    path("experimentations/repondre/", answer, name="answer"),
    path("experimentations/<slug:slug>/", results_detail, name="experiment"),
]
