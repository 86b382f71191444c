"""Error answers: pages that render with the site's layout but need no database, and the API's JSON error shape.

Under the platform API (`API_PREFIX`), every error is `{"error": {"code", "message", "field"?, "details"?}}` in
French: `ApiErrorMiddleware` rewrites any other error answer (Django's 404 page, a 405, a CSRF refusal, a 500...).
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

#: Where the platform API lives: errors there are JSON.
API_PREFIX = "/api/v1/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, code: str, message: str, *, field: str | None = None, details=None) -> JsonResponse:
    """The API's error answer."""
    error = {"code": code, "message": str(message)}
    if field:
        error["field"] = field
    if details:
        error["details"] = details
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def status_error(status: int, *, method: str = "", allowed: str = "") -> tuple[str, str]:
    """The code and the French message of an HTTP error status, for answers that carry no message of their own."""
    if status == 405:
        return "method-not-allowed", _(
            "La méthode %(method)s n'est pas acceptée à cette adresse (méthodes acceptées : %(allowed)s)."
        ) % {"method": method, "allowed": allowed or "—"}
    known = {
        400: ("bad-request", _("Requête invalide.")),
        401: ("unauthorized", _("Authentification requise.")),
        403: ("forbidden", _("Accès refusé.")),
        404: ("not-found", _("Ressource introuvable. La liste des adresses de l'API est dans sa documentation.")),
        406: ("not-acceptable", _("Format de réponse non disponible.")),
        413: ("too-large", _("La requête est trop volumineuse.")),
        414: ("too-large", _("L'adresse demandée est trop longue.")),
        415: ("unsupported-media-type", _("Type de contenu non accepté.")),
        429: ("rate-limited", _("Trop de requêtes : réessayez dans un instant.")),
        500: ("server-error", _("Erreur interne du serveur. Elle est enregistrée ; réessayez plus tard.")),
        503: ("unavailable", _("Service momentanément indisponible : réessayez dans un instant.")),
    }
    if status in known:
        return known[status]
    if status >= 500:
        return "server-error", _("Erreur du serveur (%(status)d) : réessayez plus tard.") % {"status": status}
    return "error", _("Requête refusée (erreur %(status)d).") % {"status": status}


def bad_request(request, exception=None, message: str = ""):
    """400: the request cannot be understood (a SuspiciousOperation, a NUL character, a body too large...)."""
    if is_api(request):
        code, default = status_error(400)
        return api_error(400, code, message or default)
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request, exception=None):
    if is_api(request):
        return api_error(404, *status_error(404))
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api(request):
        return api_error(500, *status_error(500))
    return render(request, "500.html", status=500)
