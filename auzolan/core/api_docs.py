"""The API documentation page (/api/v1/docs): Swagger UI served by the platform itself.

The files come from django-ninja's own copy of swagger-ui-dist (pinned with django-ninja in requirements.txt), served
by staticfiles under `vendor/swagger-ui/` (config/settings.py); `static/js/api-docs.js` starts it with the settings the
page holds as JSON. Nothing is loaded from another host and nothing runs inline, as the CSP requires; the page has the
site's header, footer and language.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class PlatformSwagger(Swagger):
    template = "core/api_docs.html"
    default_settings = {
        "layout": "BaseLayout",
        # Deep links put a link inside each operation's toggle button (nested interactive elements, RGAA/axe).
        "deepLinking": False,
        "docExpansion": "list",
        # No badge from swagger.io's validator: nothing from another host.
        "validatorUrl": None,
        # Plain examples and responses: the highlighter's colours are below the contrast RGAA asks for.
        "syntaxHighlight": {"activated": False},
    }

    def render_page(self, request, api, **kwargs: Any):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(
            request,
            self.template,
            {"swagger_settings": settings, "api_title": api.title, "openapi_url": settings["url"]},
        )
