"""The platform API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from auzolan.catalog.api import router as catalog_router
from auzolan.core.api import router as core_router
from auzolan.core.api_docs import PlatformSwagger
from auzolan.core.errors import ApplicationError
from auzolan.core.ratelimit import RateLimited
from auzolan.datastore.api import router as datastore_router
from auzolan.organisations.api import router as organisations_router
from auzolan.participation.api import router as participation_router

api = NinjaAPI(
    title="Auzolan API",
    version="1",
    description=_("API de la plateforme Auzolan : territoire, organisations, tâches de fond."),
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
    return _error(request, 422, "invalid", _("Paramètres invalides."), exc.errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not-found", _("Ressource introuvable."))


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(request, 401, "unauthorized", _("Authentification requise."))


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    """429 (or 503) in the error shape, with the Retry-After header (core.ratelimit)."""
    response = application_error(request, exc)
    response["Retry-After"] = str(exc.retry_after)
    return response
