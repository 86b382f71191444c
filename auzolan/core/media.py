"""/media/: uploaded files that are meant to be public, served by the platform after a permission check.

MEDIA_ROOT (or the bucket) holds private files too: personal data exports (`private/exports/…`), every version of
every resource file including drafts' (`catalog/…`), the Parquet tables (`datastore/…`), proposal attachments, export
files of background jobs… Those are served by their own views, which check permissions, set names and headers. So
`/media/<name>` serves only the names under a prefix that an app registered, and only when that app's check says the
visitor may see the object the file belongs to (the same rule as the page that shows it). Anything else is a 404,
whatever the URL. The same view serves local files and a bucket's objects (default storage), so nothing differs
between `make run` and production; the reverse proxy must not serve MEDIA_ROOT itself (docs/deployment.md).

Apps register in their AppConfig.ready(): `register_public_media("participation/proposals/", check)` where
`check(request, name) -> bool` says whether this visitor may see the file stored under `name`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

#: Only these types are ever served from /media/ (images shown in pages); anything else is a 404.
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
#: Browsers (not shared caches: a manager may see a hidden proposal's image) keep an image 10 minutes.
MAX_AGE = 600

_checks: dict[str, Callable] = {}


def register_public_media(prefix: str, check: Callable) -> None:
    """Files stored under `prefix` (ending with "/") may be served to the visitors for whom `check(request, name)`."""
    if not prefix.endswith("/") or prefix.startswith("/"):
        raise ValueError("A media prefix is a relative folder ending with '/'.")
    _checks[prefix] = check


def _clean(name: str) -> str | None:
    """The storage name, or None for anything that is not a plain relative path (.., //, backslashes, NUL)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    if posixpath.normpath(name) != name or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return name


@require_safe
def serve_media(request, name: str):
    name = _clean(name)
    if name is None:
        raise Http404
    content_type = CONTENT_TYPES.get(posixpath.splitext(name)[1].lower())
    check = next((check for prefix, check in _checks.items() if name.startswith(prefix)), None)
    if content_type is None or check is None or not check(request, name):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={MAX_AGE}"
    return response
