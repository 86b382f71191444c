"""Public pages: the catalogue (topics, modules filterable by topic, audience and level, paths), a module's page, a
path's page; and "Ma formation", the person's own page (progress, next steps, the sharing consent)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_form
from auzolan.learning import selectors, services
from auzolan.learning.forms import FeedbackForm, SharingForm
from auzolan.learning.models import Audience, Module, Path, Topic
from auzolan.learning.views.common import get_module, get_path, posted


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


@require_safe
def catalogue(request):
    topics = list(selectors.topics())
    topic = _choice(request.GET.get("theme", ""), {t.slug for t in topics})
    audience = _choice(request.GET.get("public", ""), set(Audience.values))
    level = _choice(request.GET.get("niveau", ""), set(Module.Level.values))
    modules = list(selectors.published_modules(topic=topic, audience=audience, level=level))
    return render(
        request,
        "learning/catalogue.html",
        {
            "topics": topics,
            "modules": modules,
            "paths": list(selectors.published_paths()),
            "audiences": Audience.choices,
            "levels": Module.Level.choices,
            "selected": {"theme": topic, "public": audience, "niveau": level},
            "filtered": bool(topic or audience or level),
            "can_edit": can(request.user, "learning.add_module"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def module_detail(request, module_slug: str):
    module = get_module(request, module_slug)
    pieces = selectors.module_pieces(module)
    progress = selectors.progress_for(user=request.user, module=module)
    done = selectors.completed_keys(progress)
    resume = next((p for p in pieces if progress and p.key == progress.last_piece_key), None)
    feedback = selectors.own_feedback(user=request.user, module=module)
    form = None
    submitted = None
    if can(request.user, "learning.take_module", module):
        initial = (
            {"useful": "1" if feedback.useful else "0", "clear": str(feedback.clear), "comment": feedback.comment}
            if feedback
            else None
        )
        form = FeedbackForm(posted(request), initial=initial)
        submitted = submit_form(
            request,
            form,
            lambda data: services.feedback_submit(user=request.user, module=module, **data),
            success=_("Merci pour votre avis : il aide à améliorer le module."),
            redirect_to=module.get_absolute_url(),
        )
        if submitted.response:
            return submitted.response
        form = submitted.form
    elif request.method == "POST":
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(module.get_absolute_url())
    return render(
        request,
        "learning/module_detail.html",
        {
            "module": module,
            "pieces": [(p, p.key in done) for p in pieces],
            "first": pieces[0] if pieces else None,
            "resume": resume,
            "progress": progress,
            "competences": list(module.competences.order_by("code")),
            "feedback_form": form,
            "can_edit": can(request.user, "learning.change_module", module),
            "login_url": reverse("account_login") + "?next=" + module.get_absolute_url(),
        },
        status=submitted.status if submitted else 200,
    )


@require_safe
def path_detail(request, path_slug: str):
    learning_path = get_path(path_slug)
    progress = selectors.path_progress(user=request.user, path=learning_path)
    return render(
        request,
        "learning/path_detail.html",
        {
            "path": learning_path,
            "progress": progress,
            "audience": dict(Audience.choices)[learning_path.audience],
            "attestation": selectors.live_attestation(user=request.user, path=learning_path),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_training(request):
    profile = selectors.learner_profile(request.user)
    form = SharingForm(
        posted(request),
        initial={"share_progress_with_organisation": bool(profile and profile.share_progress_with_organisation)},
    )
    submitted = submit_form(
        request,
        form,
        lambda data: services.learner_profile_update(user=request.user, **data),
        success=_("Votre choix de partage est enregistré."),
        redirect_to=reverse("learning:my_training"),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/my_training.html",
        {
            "training": selectors.my_training(request.user),
            "form": submitted.form,
            "attestations": selectors.attestations_of(request.user),
            "admin_organisations": selectors.admin_organisations(request.user),
        },
        status=submitted.status,
    )


def dashboard_section(request) -> dict:
    """ "Mon espace": the person's modules in progress and completed, and a link to "Ma formation"."""
    return selectors.progress_counts(request.user)


def programme_section(request, programme) -> dict:
    """The "Se former" programme page: figures and links to the catalogue."""
    return {
        "modules": Module.objects.filter(state=Module.State.PUBLISHED).count(),
        "topics": Topic.objects.count(),
        "paths": Path.objects.filter(published=True).count(),
    }


urlpatterns = [
    path("formation/", catalogue, name="catalogue"),
    path("formation/modules/<slug:module_slug>/", module_detail, name="module_detail"),
    path("formation/parcours/<slug:path_slug>/", path_detail, name="path_detail"),
    path("moi/formation/", my_training, name="my_training"),
]
