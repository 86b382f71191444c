"""Personal API tokens on every API address (/api/…): see `accounts.api_auth`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.accounts.api_auth import authenticate_request, presents_token
from auzolan.core.views.errors import api_error, is_api

API_PATHS = "/api/"


class ApiTokenMiddleware:
    """After Django's AuthenticationMiddleware: a request to an API that presents a usable token is its owner's, for
    reads too (a publisher's script sees its drafts). Under /api/v1/ a token that is not usable is a 401 at once (the
    client believes it is authenticated: answering as to an anonymous visitor would mislead it); other APIs (CKAN)
    decide themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith(API_PATHS)
            and presents_token(request)
            and authenticate_request(request) is None
            and is_api(request)
        ):
            response = api_error(
                401,
                "invalid-token",
                _("Jeton d'API inconnu, expiré ou révoqué : créez-en un depuis « Mon espace », page Jetons d'API."),
            )
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return self.get_response(request)
