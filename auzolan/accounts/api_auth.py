"""Who is calling the API: the one place where a personal API token (`accounts.ApiToken`) is recognised.

A token arrives in any of the forms API clients send:

- `Authorization: Bearer <token>` (the platform's documented form), `Authorization: Token <token>`;
- `Authorization: <token>` and `X-CKAN-API-Key: <token>`, which CKAN clients (ckanapi, CKAN's own harvesters) send.

`authenticate_request(request)` is the function every API calls (the platform API through `ApiTokenMiddleware` and
the django-ninja classes below, the CKAN API directly). A recognised token makes the request its owner's:
`request.user` is the person (with exactly their rights: a token never grants more than its owner has, the services
check the permissions as for the web pages) and `request.api_token` the token (rate limits count it).

Token requests carry no cookie, so they are not exposed to CSRF and are not checked for it; a write authenticated by
the session cookie keeps the CSRF check (`SessionCsrfAuth`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from auzolan.accounts import selectors, services
from auzolan.accounts.models import User

#: `Authorization` schemes that carry a token.
TOKEN_SCHEMES = ("bearer", "token")
_CHECKED = "_api_token_checked"


def token_from_request(request: HttpRequest) -> str | None:
    """The token the request presents, if any (not checked). Another `Authorization` scheme (Basic…) is not ours."""
    header = (request.headers.get("Authorization") or "").strip()
    if header:
        scheme, _space, rest = header.partition(" ")
        if not rest.strip():
            return scheme  # the bare token, as CKAN clients send it
        return rest.strip() if scheme.lower() in TOKEN_SCHEMES else None
    key = (request.headers.get("X-CKAN-API-Key") or "").strip()
    return key or None


def authenticate_request(request: HttpRequest) -> User | None:
    """The person whose usable token the request presents, or None (no token, or a token that is unknown, expired,
    revoked, or of an inactive account). On success `request.user` and `request.api_token` are set and the token's
    last use noted (at most once a minute). Checked once per request."""
    if getattr(request, _CHECKED, False):
        token = getattr(request, "api_token", None)
        return token.user if token is not None else None
    setattr(request, _CHECKED, True)
    request.api_token = None
    raw = token_from_request(request)
    if raw is None:
        return None
    token = selectors.api_token_for(raw)
    if token is None:
        return None
    services.api_token_touch(token=token)
    request.api_token = token
    request.user = token.user
    return token.user


def presents_token(request: HttpRequest) -> bool:
    """Whether the request tries to authenticate with a token (recognised or not)."""
    return token_from_request(request) is not None


class ApiTokenAuth(HttpBearer):
    """django-ninja authentication by personal API token (documented as HTTP Bearer in the OpenAPI document)."""

    def __call__(self, request: HttpRequest) -> User | None:
        return authenticate_request(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:  # pragma: no cover - __call__ decides
        return authenticate_request(request)


class SessionCsrfAuth(APIKeyCookie):
    """django-ninja authentication by the session cookie of a person logged in on the site; a write must carry the
    CSRF token (`X-CSRFToken` header). Unlike ninja's `django_auth`, a request without a session is simply not
    authenticated here (401), never refused for CSRF first."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "api_token", None) is not None or not request.user.is_authenticated:
            return None
        return super()._get_key(request)  # checks CSRF: HttpError 403 when it fails

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if key is not None and request.user.is_authenticated else None


#: The authentication of the API's writes: a token first, else the session with CSRF.
api_auth = [ApiTokenAuth(), SessionCsrfAuth()]
