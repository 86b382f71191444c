"""Availability of remote resources: is the address of a remote file, an API or a documentation still answering?

udata's quality criterion `all_resources_available` needs it (an unknown availability counts as available; the
files the platform stores are always available and never checked).

`check_url(url)` asks the address through the platform's safe HTTP client (`core.safe_http`: private and reserved
addresses refused unless `SAFE_HTTP_ALLOWED_HOSTS`, redirects checked at each hop, timeouts) — HEAD, then a one-byte
GET when HEAD is refused — and never raises: a network error is an unavailable link with a short French message.

The services `resource_check_availability` and `datasets_check_links` store the result (the interfaces: the
`check_links` command, the "Vérifier les liens" button of the publish page, through `catalog.tasks`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.signals import dataset_changed
from auzolan.core import safe_http

logger = logging.getLogger(__name__)

#: HEAD refused: ask again with GET (one byte).
HEAD_REFUSED = (405, 501)
MESSAGE_MAX_LENGTH = 200

Result = tuple[bool, int | None, str]


def _user_agent() -> str:
    return f"{settings.PLATFORM_NAME}-linkcheck/1.0 (+{settings.SITE_URL}; vérification de la disponibilité)"


def _status(url: str, method: str, timeout: float) -> int:
    """The final status code (after redirects)."""
    headers = {"User-Agent": _user_agent(), "Accept": "*/*"}
    if method == "GET":
        headers["Range"] = "bytes=0-0"
    response = safe_http.request(
        url, method=method, headers=headers, connect_timeout=timeout, read_timeout=timeout, read_body=False
    )
    return response.status


def _status_result(code: int) -> Result:
    if code < 400 or code == 416:  # 416: the range of an empty file; the file exists
        return True, code, _("Disponible")
    return False, code, _("Erreur %(code)d") % {"code": code}


def check_url(url: str) -> Result:
    """(available, HTTP status code or None, short French message). Never raises."""
    try:
        timeout = float(getattr(settings, "LINK_CHECK_TIMEOUT", 10))
        code = _status(url, "HEAD", timeout)
        if code in HEAD_REFUSED:
            code = _status(url, "GET", timeout)
        return _status_result(code)
    except safe_http.SafeHTTPError as error:
        return False, error.status, error.message
    except Exception:  # a check never fails: the link is unavailable
        logger.warning("Unexpected error while checking %s", url, exc_info=True)
        return False, None, _("Erreur de connexion")


# --- Services -----------------------------------------------------------------------------------------------


def resource_check_availability(*, resource: Resource) -> Resource:
    """Check the address of a remote resource and store the result.

    A measure by the platform, not an edit: no revision bump, no audit entry, `updated_at` unchanged. The request
    runs outside any transaction; the write and `dataset_changed` (sent only when the availability changed, so that
    the quality score follows) are atomic. An uploaded file is left as it is: it is always available.
    """
    if not resource.is_remote or not resource.url:
        return resource
    available, status_code, message = check_url(resource.url)
    resource.availability = Resource.Availability.AVAILABLE if available else Resource.Availability.UNAVAILABLE
    resource.checked_at = timezone.now()
    resource.check_status_code = status_code if status_code is not None and 0 < status_code < 1000 else None
    resource.check_message = (message or "")[:MESSAGE_MAX_LENGTH]
    fields = ["availability", "checked_at", "check_status_code", "check_message"]
    with transaction.atomic():
        stored = Resource.objects.select_for_update().filter(pk=resource.pk).values_list("availability", "url").first()
        if stored is None or stored[1] != resource.url:  # deleted, or its address changed, meanwhile
            return resource
        Resource.objects.filter(pk=resource.pk).update(**{field: getattr(resource, field) for field in fields})
        if stored[0] != resource.availability:
            dataset_changed.send(sender=Dataset, dataset=Dataset.objects.get(pk=resource.dataset_id))
    return resource


def resource_reset_availability(*, resource_id: int) -> None:
    """A new address has not been checked yet (the `Resource` receiver calls it when an address changes)."""
    Resource.objects.filter(pk=resource_id).update(
        availability=Resource.Availability.UNKNOWN, checked_at=None, check_status_code=None, check_message=""
    )


def links_to_check(*, datasets=None, older_than_hours: float | None = 24):
    """Remote resources of published datasets (or of `datasets`) not checked in the last `older_than_hours`."""
    resources = Resource.objects.filter(kind__in=Resource.REMOTE_KINDS).exclude(url="")
    if datasets is None:
        resources = resources.filter(dataset__state=Dataset.State.PUBLISHED)
    else:
        resources = resources.filter(dataset__in=datasets)
    if older_than_hours is not None:
        limit = timezone.now() - datetime.timedelta(hours=older_than_hours)
        resources = resources.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=limit))
    return resources.order_by(F("checked_at").asc(nulls_first=True), "pk")


def datasets_check_links(
    *,
    progress: Callable[..., None] | None = None,
    older_than_hours: float | None = 24,
    datasets=None,
) -> dict:
    """Check the remote resources of published datasets (or of `datasets`, in any state) not checked recently.

    `older_than_hours=None` checks them all. `progress(done, total, message)` follows the work.
    Returns {"checked", "available", "unavailable", "changed"} (counts).
    """
    ids = list(links_to_check(datasets=datasets, older_than_hours=older_than_hours).values_list("pk", flat=True))
    total = len(ids)
    counts = {"checked": 0, "available": 0, "unavailable": 0, "changed": 0}
    if progress:
        progress(
            0, total, ngettext("%(total)d lien à vérifier", "%(total)d liens à vérifier", total) % {"total": total}
        )
    for done, pk in enumerate(ids, start=1):
        resource = Resource.objects.filter(pk=pk).first()
        if resource is not None:
            before = resource.availability
            resource_check_availability(resource=resource)
            counts["checked"] += 1
            key = "available" if resource.availability == Resource.Availability.AVAILABLE else "unavailable"
            counts[key] += 1
            counts["changed"] += int(before != resource.availability)
        if progress:
            progress(
                done,
                total,
                ngettext("%(done)d lien vérifié sur %(total)d", "%(done)d liens vérifiés sur %(total)d", done)
                % {"done": done, "total": total},
            )
    return counts
