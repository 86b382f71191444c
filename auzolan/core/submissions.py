"""Form submissions: the one way a page handles a POSTed form or a POSTed button.

A form view does four things: build the form, hand it with the service call to `submit_form`, return the
redirect when there is one, otherwise render the page with the status it gives::

    form = SurveyForm(request.POST or None)
    submitted = submit_form(
        request,
        form,
        lambda data: services.survey_create(actor=request.user, process=process, **data),
        success=_("Le questionnaire est créé."),
        redirect_to=lambda survey: survey_manage_url(survey),
    )
    if submitted.response:
        return submitted.response
    return render(request, "…", {"form": submitted.form, …}, status=submitted.status)

`submit_form` owns what every copy used to repeat: validation, the submission token (a form with a
`submission` field is claimed before the call and released when the service refuses, so a double click never
creates twice and a refused form can be corrected and resent), the service call, an `ApplicationError` shown
next to its field with its status (400, 403, 404, 409), the success message and the redirect.

A button that posts no form to correct (publish, delete, move up) uses `submit_action`: the service's refusal
becomes an error message on the page it redirects to.

The claim is an atomic `cache.add` in the shared cache (database or Redis), so it holds across web processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error

CLAIM_SECONDS = 60 * 60
SUBMISSION_FIELD = "submission"

# A message or a URL may depend on what the service returned (the object it created, for instance).
Text = str | Callable[[Any], str]


class SubmissionTokenMixin(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SUBMISSION_FIELD].initial = uuid.uuid4()


def _key(request, token) -> str:
    return f"submission:{request.user.pk}:{token}"


def claim_submission(request, token) -> bool:
    """True the first time a token is presented; False for a repeat (or a missing token is always accepted)."""
    if not token:
        return True
    return cache.add(_key(request, token), True, CLAIM_SECONDS)


def release_submission(request, token) -> None:
    if token:
        cache.delete(_key(request, token))


def _resolve(value: Text | None, result: Any) -> str | None:
    return value(result) if callable(value) else value


@dataclass
class Submitted:
    """What happened to a form: `response` is the redirect after success (or after a repeated submission);
    otherwise the page is rendered again with `form` (its errors shown) and `status`."""

    form: forms.Form
    status: int = 200
    response: HttpResponse | None = None
    error: ApplicationError | None = None
    result: Any = None


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict], Any],
    *,
    success: Text | None,
    redirect_to: Text,
    duplicate: str | None = None,
    duplicate_redirect_to: str | None = None,
    on_error: Callable[[ApplicationError], forms.Form | None] | None = None,
) -> Submitted:
    """Validate `form` on POST and call `call(cleaned_data)` (the submission token left out).

    - GET or HEAD: nothing is called; status 200.
    - Invalid form: status 400, the form carries its errors.
    - Repeated submission token: an information message (`duplicate`) and a redirect
      (`duplicate_redirect_to`, by default `redirect_to` when it is a plain URL, else the page itself).
    - The service raises `ApplicationError`: its message goes next to its field(s) (`add_service_error`) and
      the page gets the error's status. `on_error(error)` replaces that default (it may return a new form to
      render, for instance one rebuilt on the current revision after a conflict).
    - Success: `success` is shown (a text, or a function of the service's result) and the answer is a redirect
      to `redirect_to` (a URL or URL name, or a function of the result).
    """
    if request.method != "POST":
        return Submitted(form=form)
    if not form.is_valid():
        return Submitted(form=form, status=400)
    data = {name: value for name, value in form.cleaned_data.items() if name != SUBMISSION_FIELD}
    token = form.cleaned_data.get(SUBMISSION_FIELD)
    if not claim_submission(request, token):
        messages.info(request, duplicate or _("Ce formulaire a déjà été envoyé : il n'a pas été enregistré en double."))
        target = duplicate_redirect_to or (redirect_to if isinstance(redirect_to, str) else request.get_full_path())
        return Submitted(form=form, response=redirect(target))
    try:
        result = call(data)
    except ApplicationError as error:
        release_submission(request, token)
        replacement = on_error(error) if on_error is not None else add_service_error(form, error)
        return Submitted(form=replacement or form, status=error.status, error=error)
    message = _resolve(success, result)
    if message:
        messages.success(request, message)
    return Submitted(form=form, response=redirect(_resolve(redirect_to, result)), result=result)


def submit_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: Text | None,
    redirect_to: Text,
    error_redirect_to: str | None = None,
) -> HttpResponse:
    """Run a button's service call (the view already checked the method and the permission) and redirect:
    to `redirect_to` with `success` shown, or, when the service refuses, to `error_redirect_to` (by default
    `redirect_to` when it is a plain URL) with the refusal shown as an error."""
    if error_redirect_to is None and callable(redirect_to):
        raise TypeError("submit_action needs error_redirect_to when redirect_to depends on the result")
    try:
        result = call()
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(error_redirect_to or redirect_to)
    message = _resolve(success, result)
    if message:
        messages.success(request, message)
    return redirect(_resolve(redirect_to, result))
