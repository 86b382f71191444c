"""The platform API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from auzolan.catalog.api import router as catalog_router
from auzolan.core.api import router as core_router
from auzolan.core.api_docs import PlatformSwagger
from auzolan.core.api_errors import french_validation_error
from auzolan.core.errors import ApplicationError
from auzolan.core.inputs import JSONTooDeep, load_json
from auzolan.core.ratelimit import RateLimited
from auzolan.core.views.errors import status_error
from auzolan.datastore.api import router as datastore_router
from auzolan.organisations.api import router as organisations_router
from auzolan.participation.api import router as participation_router


class BoundedJSONParser(Parser):
    """JSON bodies through core.inputs.load_json: nesting beyond its bound is refused (see `http_error`)."""

    def parse_body(self, request):
        return load_json(request.body)


#: What the platform itself may answer to any operation, whatever its router declares (the guards and the handlers
#: below): 400 (a NUL character anywhere, a body that is not JSON), 422 (a parameter or a field out of its type or
#: bounds), 404 for an operation with an object in its address (unknown, or out of the caller's reach), 401 for an
#: operation that needs authentication.
PLATFORM_ERRORS = {
    "400": _("Requête invalide (caractère nul, corps qui n'est pas du JSON…)."),
    "422": _("Paramètre ou champ invalide : le message le nomme."),
    "404": _("Introuvable, ou hors de votre portée."),
    "401": _("Authentification requise (jeton d'API absent, inconnu, expiré ou révoqué)."),
}


class PlatformAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, with the errors every operation may answer declared on each one (`PLATFORM_ERRORS`)."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in document["paths"].values():
            for operation in methods.values():
                parameters = operation.get("parameters", [])
                wanted = ["400"]
                if parameters or "requestBody" in operation:
                    wanted.append("422")
                if any(parameter["in"] == "path" for parameter in parameters):
                    wanted.append("404")
                if operation.get("security"):
                    wanted.append("401")
                responses = operation["responses"]
                declared = {str(code) for code in responses}  # ninja's keys are ints: "404" and 404 would both print
                for status in wanted:
                    if status not in declared:
                        responses[int(status)] = {"description": str(PLATFORM_ERRORS[status]), "content": error}
        return document


api = PlatformAPI(
    parser=BoundedJSONParser(),
    title="Auzolan API",
    version="1",
    description=_(
        "API de la plateforme Auzolan : territoire, organisations, catalogue de données (recherche, jeux de "
        "données, ressources, réutilisations), données tabulaires, participation, tâches de fond.\n\n"
        "**Lecture** : libre, sans authentification (les brouillons sont visibles de leur organisation).\n\n"
        "**Écriture** (créer, modifier, publier, archiver des jeux de données ; déposer des fichiers) : avec un jeton "
        "d'API personnel, créé depuis « Mon espace » (page Jetons d'API, /moi/jetons-api/), envoyé dans l'en-tête "
        "`Authorization: Bearer <jeton>`. Le jeton agit avec vos droits : il écrit dans les organisations dont vous "
        'êtes éditeur ou administrateur. Exemple : `curl -X POST …/api/v1/datasets -H "Authorization: Bearer '
        'auz_…" -H "Content-Type: application/json" -d \'{"organisation": "ma-commune", "title": '
        '"Subventions 2026"}\'`.\n\n'
        '**Erreurs** : toujours `{"error": {"code", "message", "field"?, "details"?}}`, message en '
        "français ; 401 sans jeton valide, 404 pour ce qui n'existe pas ou est hors de votre portée, 409 pour une "
        "révision périmée ou un changement d'état impossible, 413 pour un fichier trop gros, 429 (avec "
        "`Retry-After`) au-delà des limites de débit."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=PlatformSwagger(),  # Swagger UI from the platform's own static files (auzolan/core/api_docs.py)
)
api.add_router("/", core_router)
api.add_router("/", organisations_router)
api.add_router("/", catalog_router)
api.add_router("/", datastore_router)
api.add_router("/", participation_router)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    """422: French messages per parameter (pydantic's own are in English)."""
    return api.create_response(request, {"error": french_validation_error(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja's own refusals (a body that is not JSON, a CSRF check, throttling) in French."""
    status = exc.status_code
    code, message = status_error(status)
    cause = exc.__cause__
    if isinstance(cause, JSONTooDeep):
        code, message = "invalid-json", cause.message
    elif status == 400 and cause is not None:
        code, message = "invalid-json", _("Le corps de la requête n'est pas un document JSON valide.")
    elif status == 403 and "CSRF" in str(exc):
        code, message = (
            "csrf",
            _("Vérification CSRF échouée : envoyez l'en-tête X-CSRFToken avec la valeur du cookie csrftoken."),
        )
    response = _error(request, status, code, message)
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not-found", _("Ressource introuvable."))


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = _error(
        request,
        401,
        "unauthorized",
        _(
            "Authentification requise : envoyez un jeton d'API personnel dans l'en-tête « Authorization: Bearer "
            "<jeton> » (à créer depuis « Mon espace », page Jetons d'API)."
        ),
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    """429 (or 503) in the error shape, with the Retry-After header (core.ratelimit)."""
    response = application_error(request, exc)
    response["Retry-After"] = str(exc.retry_after)
    return response
