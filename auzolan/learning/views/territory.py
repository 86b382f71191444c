"""The territory training map: communes coloured by how many élus and agents were trained (at least one module
completed), filterable by topic, with the same figures as a table and month by month; small counts hidden. Public at
`/formation/carte/`; the agency's page `/formation/gestion/carte/` adds the publication of the open dataset."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action
from auzolan.learning import selectors, services, training_map
from auzolan.learning.models import TrainingDataset
from auzolan.observatory import charts
from auzolan.participation.small_counts import is_small


def _context(request) -> dict:
    topics = list(selectors.topics())
    topic = next((t for t in topics if t.slug == request.GET.get("theme", "")), None)
    data = selectors.territory_training(topic=topic.slug if topic else "")
    rows = training_map.protected_rows(data.rows)
    series = [(month, None if is_small(count) else count) for month, count in data.months]
    return {
        "topics": topics,
        "topic": topic,
        "rows": rows,
        "training_map": training_map.training_map(rows, topic_label=topic.title if topic else ""),
        "patterns": training_map.patterns(),
        "charts": [
            charts.line_chart(
                slug="formes",
                title=_("Élus et agents formés pour la première fois, par mois"),
                unit=_("personnes"),
                series=series,
            )
        ]
        if series
        else [],
    }


@require_safe
def territory_map(request):
    return render(request, "learning/territory_map.html", _context(request) | {"manage": False})


@require_safe
@login_required
def territory_map_manage(request):
    if not can(request.user, "learning.manage_training_map"):
        raise Http404
    link = TrainingDataset.objects.select_related("dataset").first()
    return render(request, "learning/territory_map.html", _context(request) | {"manage": True, "link": link})


@require_POST
@login_required
def territory_map_publish(request):
    if not can(request.user, "learning.manage_training_map"):
        raise Http404
    return submit_action(
        request,
        lambda: services.training_dataset_publish(actor=request.user),
        success=_("Le jeu de données de la carte des formations est publié."),
        redirect_to=reverse("learning:territory_map_manage"),
    )


urlpatterns = [
    path("formation/carte/", territory_map, name="territory_map"),
    path("formation/gestion/carte/", territory_map_manage, name="territory_map_manage"),
    path("formation/gestion/carte/publier/", territory_map_publish, name="territory_map_publish"),
]
