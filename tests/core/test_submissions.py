"""The one way to handle a form: submit_form and submit_action (auzolan/core/submissions.py)."""

import uuid

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.submissions import SubmissionTokenMixin, submit_action, submit_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


class TokenNameForm(SubmissionTokenMixin, NameForm):
    pass


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/page/", data or {})
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_get_calls_nothing_and_answers_200():
    calls = []
    request = _request("get")
    submitted = submit_form(request, NameForm(None), calls.append, success="ok", redirect_to="/done/")
    assert (submitted.status, submitted.response, calls) == (200, None, [])


def test_invalid_form_is_400_without_a_call():
    calls = []
    request = _request(data={"name": "x" * 50})
    form = NameForm(request.POST)
    submitted = submit_form(request, form, calls.append, success="ok", redirect_to="/done/")
    assert submitted.status == 400 and submitted.response is None and calls == []
    assert "name" in submitted.form.errors


def test_success_calls_the_service_with_cleaned_data_shows_the_message_and_redirects():
    request = _request(data={"name": "Ainhoa"})
    submitted = submit_form(
        request,
        NameForm(request.POST),
        lambda data: {"id": 7, **data},
        success=lambda result: f"Créé : {result['name']}",
        redirect_to=lambda result: f"/objects/{result['id']}/",
    )
    assert submitted.response.status_code == 302 and submitted.response.url == "/objects/7/"
    assert submitted.result == {"id": 7, "name": "Ainhoa"}
    assert _texts(request) == [("success", "Créé : Ainhoa")]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValidationError("Nom déjà pris.", field="name"), 400),
        (PermissionDenied("Interdit."), 403),
        (NotFound("Introuvable."), 404),
        (Conflict("Modifié entre-temps."), 409),
    ],
)
def test_a_service_refusal_is_shown_on_the_form_with_its_status(error, status):
    request = _request(data={"name": "Ainhoa"})

    def refuse(data):
        raise error

    submitted = submit_form(request, NameForm(request.POST), refuse, success="ok", redirect_to="/done/")
    assert submitted.status == status and submitted.response is None and submitted.error is error
    field = "name" if error.field else "__all__"
    assert submitted.form.errors[field] == [error.message]
    assert _texts(request) == []


def test_on_error_replaces_the_default_and_may_give_a_new_form():
    request = _request(data={"name": "Ainhoa"})
    replacement = NameForm({"name": "Rebuilt"})

    def refuse(data):
        raise Conflict("Modifié entre-temps.")

    submitted = submit_form(
        request, NameForm(request.POST), refuse, success="ok", redirect_to="/done/", on_error=lambda e: replacement
    )
    assert submitted.form is replacement and submitted.status == 409


def test_the_token_is_claimed_once_released_on_refusal_and_left_out_of_the_call():
    token = str(uuid.uuid4())
    seen = []

    def refuse(data):
        seen.append(data)
        raise ValidationError("Pas encore.")

    request = _request(data={"name": "Ainhoa", "submission": token})
    assert submit_form(request, TokenNameForm(request.POST), refuse, success="ok", redirect_to="/done/").status == 400
    assert seen == [{"name": "Ainhoa"}]

    # Refused: the token is free again, the corrected form goes through once.
    request = _request(data={"name": "Ainhoa", "submission": token})
    first = submit_form(request, TokenNameForm(request.POST), seen.append, success="Créé.", redirect_to="/done/")
    assert first.response.url == "/done/" and len(seen) == 2

    # The same token again (a double click): nothing is called, an information message and a redirect.
    request = _request(data={"name": "Ainhoa", "submission": token})
    again = submit_form(
        request,
        TokenNameForm(request.POST),
        seen.append,
        success="Créé.",
        redirect_to=lambda result: "/never/",
        duplicate="Déjà envoyé.",
        duplicate_redirect_to="/list/",
    )
    assert again.response.url == "/list/" and len(seen) == 2
    assert _texts(request) == [("info", "Déjà envoyé.")]


def test_submit_action_success_and_refusal():
    request = _request()
    response = submit_action(request, lambda: 3, success=lambda n: f"{n} éléments", redirect_to="/list/")
    assert response.url == "/list/" and _texts(request) == [("success", "3 éléments")]

    def refuse():
        raise PermissionDenied("Vous ne pouvez pas.")

    request = _request()
    response = submit_action(request, refuse, success="ok", redirect_to="/list/", error_redirect_to="/back/")
    assert response.url == "/back/" and _texts(request) == [("error", "Vous ne pouvez pas.")]


def test_submit_action_needs_an_error_target_when_the_target_depends_on_the_result():
    with pytest.raises(TypeError):
        submit_action(_request(), lambda: 1, success=None, redirect_to=lambda n: f"/{n}/")
