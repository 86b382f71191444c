from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from auzolan.core.legal import operator
from auzolan.core.pagecache import cache_public_page
from auzolan.core.programmes import PROGRAMMES
from auzolan.core.registry import home_figures, home_sections, page_sections


@require_safe
@cache_public_page("core.home")
def home(request):
    return render(
        request,
        "core/home.html",
        {"figures": home_figures(), "sections": home_sections(), "programmes": PROGRAMMES.values()},
    )


@require_safe
def programme(request, slug: str):
    if slug not in PROGRAMMES:
        raise Http404
    programme = PROGRAMMES[slug]
    sections = page_sections(f"programme_{slug}", request, programme)
    return render(request, "core/programme.html", {"programme": programme, "sections": sections})


@require_safe
def static_page(request, template: str):
    return render(request, template, {"operator": operator()})
