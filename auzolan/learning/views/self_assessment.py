"""Self-assessment: the person positions themselves on the competences of a path (its modules' competences, on their
framework's levels) before starting it and after completing it, and sees where they progressed. Private: only the
person reads or writes their own answers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auzolan.core.submissions import submit_form
from auzolan.learning import selectors, services
from auzolan.learning.forms import SelfAssessmentForm
from auzolan.learning.models import SelfAssessment
from auzolan.learning.views.common import get_path, posted


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def self_assessment(request, path_slug: str):
    learning_path = get_path(path_slug)
    rows = selectors.self_assessment(user=request.user, path=learning_path)
    moment = services.self_assessment_moment(user=request.user, path=learning_path)
    levels_by_framework = selectors.framework_levels(row.competence.framework_id for row in rows)
    form = SelfAssessmentForm(posted(request), rows=rows, levels_by_framework=levels_by_framework, moment=moment)
    url = reverse("learning:self_assessment", kwargs={"path_slug": learning_path.slug})
    submitted = submit_form(
        request,
        form,
        lambda data: services.self_assessment_save(user=request.user, path=learning_path, levels=form.levels()),
        success=_("Votre positionnement est enregistré."),
        redirect_to=url + "#comparaison",
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/self_assessment.html",
        {
            "path": learning_path,
            "rows": rows,
            "form": submitted.form,
            "moment": moment,
            "moment_label": SelfAssessment.Moment(moment).label,
            "answered_after": any(row.after for row in rows),
            "frameworks": sorted({str(row.competence.framework) for row in rows}),
        },
        status=submitted.status,
    )


urlpatterns = [
    path("formation/parcours/<slug:path_slug>/auto-positionnement/", self_assessment, name="self_assessment"),
]
