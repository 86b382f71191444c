"""The module player: one piece per page, previous and next, a progress indicator in words, the quiz as a real form
(a fieldset and a legend per question) with its feedback after submission. Works without JavaScript.

Anonymous visitors read published modules; recording progress and answering a quiz need an account (the page invites
them to log in). Each page view of a signed-in person records the piece (for "Reprendre") and the time since their
previous view, bounded (`services.PIECE_SECONDS_CAP`). Editors preview drafts here without recording anything."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.markdown import render_markdown
from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.core.text import file_extension
from auzolan.learning import selectors, services, workshops
from auzolan.learning.forms import QuizForm
from auzolan.learning.translation import localized
from auzolan.learning.views.common import get_module, get_piece, posted


def piece_url(module, piece) -> str:
    return reverse("learning:piece", kwargs={"module_slug": module.slug, "piece_key": piece.key})


def _quiz_review(questions, attempt) -> list[dict]:
    """Each question of the last attempt: the answers, which were chosen, which are right, their feedback."""
    review = []
    for question in questions:
        chosen = set(attempt.answers.get(question.key, []))
        correct = {a.key for a in question.answers.all() if a.correct}
        review.append(
            {
                "question": question,
                "right": chosen == correct,
                "answers": [{"answer": a, "chosen": a.key in chosen} for a in question.answers.all()],
            }
        )
    return review


@require_http_methods(["GET", "HEAD", "POST"])
def piece(request, module_slug: str, piece_key: str):
    module = get_module(request, module_slug)
    pieces = selectors.module_pieces(module)
    current = get_piece(module, piece_key)
    index = next(i for i, p in enumerate(pieces) if p.pk == current.pk)
    previous = pieces[index - 1] if index > 0 else None
    following = pieces[index + 1] if index + 1 < len(pieces) else None
    takes = can(request.user, "learning.take_module", module)
    here = piece_url(module, current)
    login_url = reverse("account_login") + "?" + urlencode({"next": here})

    if request.method == "POST" and not takes:
        if request.user.is_authenticated:  # an editor's preview of a draft
            messages.info(request, _("Aperçu : la progression n'est pas enregistrée pour un module non publié."))
            return redirect(here)
        messages.info(request, _("Connectez-vous pour enregistrer votre progression et répondre aux quiz."))
        return redirect(login_url)

    questions = selectors.quiz_questions(current) if current.is_quiz else []
    form = None
    status = 200
    if current.is_quiz:
        form = QuizForm(posted(request), questions=questions)
        if takes:
            submitted = submit_form(
                request,
                form,
                lambda data: services.quiz_submit(user=request.user, piece=current, answers=form.chosen()),
                success=None,
                redirect_to=here + "#resultat",
            )
            if submitted.response:
                return submitted.response
            form, status = submitted.form, submitted.status
    elif request.method == "POST":
        target = piece_url(module, following) if following else module.get_absolute_url()
        return submit_action(
            request,
            lambda: services.piece_complete(user=request.user, module=module, piece=current),
            success=None if following else _("Vous avez terminé ce module. Dites-nous ce que vous en avez pensé."),
            redirect_to=target,
            error_redirect_to=here,
        )

    progress = None
    if takes and request.method != "POST":
        progress = services.progress_record_view(user=request.user, module=module, piece=current)
    elif takes:
        progress = selectors.progress_for(user=request.user, module=module)
    done = selectors.completed_keys(progress)
    attempts = selectors.attempts_for(user=request.user, piece=current) if current.is_quiz else []
    last = attempts[-1] if attempts else None
    left = selectors.attempts_left(current, len(attempts)) if current.is_quiz else None
    return render(
        request,
        "learning/player.html",
        {
            "module": module,
            "piece": current,
            "body": render_markdown(localized(current, "body")) if current.body else "",
            "number": index + 1,
            "total": len(pieces),
            "previous": previous,
            "next": following,
            "previous_url": piece_url(module, previous) if previous else "",
            "next_url": piece_url(module, following) if following else "",
            "here": here,
            "done": current.key in done,
            "done_count": len(done & {p.key for p in pieces}),
            "takes": takes,
            "preview": not module.is_published,
            "login_url": login_url,
            "form": form,
            "quiz_fields": [form[f"q-{q.key}"] for q in questions] if form is not None else [],
            "last_attempt": last,
            "review": _quiz_review(questions, last) if last else [],
            "attempts_left": left,
            "can_attempt": takes and (left is None or left > 0),
            "sessions": workshops.workshop_sessions(current) if current.kind == "workshop" else [],
        },
        status=status,
    )


#: What a piece's uploaded files are served as (anything else is a 404). Videos and captions play in the page;
#: documents and resources are downloaded.
FILE_TYPES = {
    "mp4": ("video/mp4", False),
    "webm": ("video/webm", False),
    "vtt": ("text/vtt; charset=utf-8", False),
    "pdf": ("application/pdf", True),
    "odt": ("application/vnd.oasis.opendocument.text", True),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", True),
    "odp": ("application/vnd.oasis.opendocument.presentation", True),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", True),
    "csv": ("text/csv; charset=utf-8", True),
    "zip": ("application/zip", True),
}


def _serve(request, module_slug: str, piece_key: str, field: str):
    """A piece's file (or captions), to whoever may see the module (drafts: their editors only)."""
    module = get_module(request, module_slug)
    upload = getattr(get_piece(module, piece_key), field)
    extension = file_extension(upload.name) if upload else ""
    if extension not in FILE_TYPES:
        raise Http404
    content_type, attachment = FILE_TYPES[extension]
    try:
        handle = upload.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=attachment, filename=f"{module.slug}-{piece_key}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def piece_file(request, module_slug: str, piece_key: str):
    return _serve(request, module_slug, piece_key, "file")


@require_safe
def piece_captions(request, module_slug: str, piece_key: str):
    return _serve(request, module_slug, piece_key, "captions")


P = "formation/modules/<slug:module_slug>/etapes/<slug:piece_key>/"
urlpatterns = [
    path(P, piece, name="piece"),
    path(P + "fichier/", piece_file, name="piece_file"),
    path(P + "sous-titres/", piece_captions, name="piece_captions"),
]
