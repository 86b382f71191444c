"""The public observatory page `/observatoire/` (server-rendered; works without JavaScript)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from auzolan.core.pagecache import cache_public_page
from auzolan.observatory import charts, geo, selectors


@require_safe
@cache_public_page("observatory")
def observatory(request):
    indicators = selectors.indicators()
    history = list(selectors.snapshot_history())
    stage_map = charts.stage_map(
        projection=geo.projection(),
        communes=indicators.communes,
        stages=indicators.stages,
        stage_total=indicators.stage_total,
    )
    return render(
        request,
        "observatory/observatory.html",
        {
            "indicators": indicators,
            "history": history,
            "charts": charts.indicator_charts(history) if history else [],
            "stage_map": stage_map,
            "patterns": [
                {"id": f"obs-stage-{index}", "fill": fill, "kind": kind}
                for index, (fill, kind) in enumerate(zip(charts.STAGE_FILLS, charts.STAGE_PATTERNS, strict=True))
            ],
            "dataset": selectors.observatory_dataset(),
        },
    )


urlpatterns = [path("observatoire/", observatory, name="observatory")]
