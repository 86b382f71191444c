"""Two middlewares that keep bad input from ever becoming a 500, and keep the API's errors in its JSON shape.

`InputGuardMiddleware` refuses (400, in French) a request that carries the NUL character — PostgreSQL refuses it in
text, so it would fail deep inside a query — in its address, query string, cookies, headers or body (form or JSON;
the text fields of a file upload are checked by the forms, whose `CharField` refuses NUL, because reading an upload
here would bypass the upload views' size limit). It also answers 404 for an integer in the address (`<int:pk>`)
beyond what the database stores: such an id names nothing, and SQLite cannot even compare with it.

`ApiErrorMiddleware` rewrites any error answer under the API that is not JSON already (Django's 404 page for an
unknown address, a 405, a CSRF refusal, a 500 page) into `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import json

from django.http import Http404

from auzolan.core.inputs import BIGINT_MAX, nul_message
from auzolan.core.inputs import carries_nul as json_carries_nul
from auzolan.core.views.errors import api_error, bad_request, is_api, status_error

NUL = "\x00"
FORM = "application/x-www-form-urlencoded"


def carries_nul(request) -> bool:
    """Whether the address, query string, cookies, headers or a form/JSON body carry the NUL character."""
    if NUL in request.path_info:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return True
    for key, value in request.COOKIES.items():
        if NUL in key or NUL in value:
            return True
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type == FORM:
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in value for value in values):
                    return True
        elif (content_type == "application/json" or content_type.endswith("+json")) and json_carries_nul(request.body):
            return True
    return False


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return bad_request(request, message=nul_message())
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and not -BIGINT_MAX <= value <= BIGINT_MAX:
                raise Http404
        return None


class ApiErrorMiddleware:
    #: Headers of the original answer that the JSON error keeps.
    KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request) or _is_json(response):
            return response
        code, message = status_error(
            response.status_code,
            method=request.method,
            allowed=", ".join(m.strip() for m in response.get("Allow", "").split(",") if m.strip()),
        )
        replaced = api_error(response.status_code, code, message)
        for header in self.KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced


def _is_json(response) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    if getattr(response, "streaming", False):
        return True
    try:
        return "error" in json.loads(response.content)
    except ValueError:
        return False
