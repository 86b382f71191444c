"""The one view of the CKAN Action API: `/api/3/action/<name>` and `/api/action/<name>` (what ckanapi calls).

GET reads the query string (a repeated key becomes a list; JSON strings such as `facet.field=["tags"]` are decoded
by the actions); POST reads a JSON object or form data. Answers are CKAN's envelope:
`{"help": <help_show address>, "success": true, "result": …}`, or `"success": false` with
`"error": {"__type", "message", <field>: [messages]}` and CKAN's status (Not Found Error 404, Validation Error 409,
Authorization Error 403, Search Query Error 400; 429 past the rate limits, with Retry-After). An unknown action is
a 400 whose body is a JSON string, as CKAN answers. POST is exempt from CSRF: the actions only read, and nothing
depends on the session but who is asking (`request_user`). Anonymous GETs go through the anonymous page cache
(`core.pagecache`), as the catalogue's pages and the data API do: any committed write refreshes it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from auzolan.catalog.ckan import actions
from auzolan.catalog.ckan.params import ActionError
from auzolan.core.errors import ApplicationError, NotFound, PermissionDenied
from auzolan.core.http import public_url
from auzolan.core.inputs import JSONTooDeep, load_json
from auzolan.core.pagecache import cache_public_page
from auzolan.core.ratelimit import RateLimited

MAX_BODY = 1024 * 1024


def request_user(request):
    """Who is asking: the session's person, or the owner of the personal API token the request presents
    (`X-CKAN-API-Key` or `Authorization`, as ckanapi sends it), which `accounts.middleware.ApiTokenMiddleware` has
    already put in `request.user` for every /api/ path. A token that is not usable leaves the request anonymous here,
    as CKAN does (only /api/v1/ refuses it with a 401)."""
    return request.user


def _help_url(request, name: str) -> str:
    path = reverse("ckan:action", kwargs={"name": "help_show"})
    return public_url(f"{path}?{urlencode({'name': name})}", request)


def _data(request) -> dict:
    if request.method == "GET":
        return {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {key: values if len(values) > 1 else values[0] for key, values in request.POST.lists()}
    body = request.body
    if len(body) > MAX_BODY:
        raise ActionError(_("Le corps de la requête est trop grand."), status=400)
    if not body.strip():
        return {}
    try:
        data = load_json(body)
    except JSONTooDeep as error:
        raise ActionError(error.message, status=400) from None
    except ValueError:
        raise ActionError(_("Le corps de la requête n'est pas un JSON valide."), status=400) from None
    if not isinstance(data, dict):
        raise ActionError(_("Le corps de la requête doit être un objet JSON."), status=400)
    return data


def _error(request, name: str, error: ApplicationError) -> JsonResponse:
    if isinstance(error, ActionError):
        ckan_type, status = error.ckan_type, error.status
    elif isinstance(error, NotFound):
        ckan_type, status = "Not Found Error", 404
    elif isinstance(error, PermissionDenied):
        ckan_type, status = "Authorization Error", 403
    elif isinstance(error, RateLimited):
        ckan_type, status = "Rate Limit Error", error.status
    else:  # the engines' ValidationError (400) and Conflict (409): a parameter or a state CKAN calls invalid
        ckan_type, status = "Validation Error", 409
    body = {"__type": ckan_type, "message": error.message}
    if ckan_type == "Validation Error" and error.field:
        body[error.field] = [error.message]
    response = JsonResponse({"help": _help_url(request, name), "success": False, "error": body}, status=status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@cache_public_page("ckan.action")
def action(request, name: str):
    function = actions.get_action(name)
    if function is None:
        return JsonResponse(f"Bad request: Action name not known: {name[:100]}", status=400, safe=False)
    try:
        data = _data(request)
        result = function(actions.Context(request=request, user=request_user(request)), data)
    except ApplicationError as error:
        return _error(request, name, error)
    return JsonResponse(
        {"help": _help_url(request, name), "success": True, "result": result},
        json_dumps_params={"ensure_ascii": False},
    )
