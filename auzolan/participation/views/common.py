"""What every participation page shares: fetching a process the person may see or manage (and a proposal of it),
the page a button goes back to, and the registry of the pages where a participant does each action of a phase
("what one can do now" on the process page)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from auzolan.core.http import safe_next
from auzolan.core.permissions import get_object_for
from auzolan.participation import phases as phase_types
from auzolan.participation.eligibility import eligibility
from auzolan.participation.models import Process, Proposal
from auzolan.participation.selectors.proposals import proposal_detail

VIEW = "participation.view_process"
MANAGE = "participation.change_process"


def get_process(
    request,
    slug: str,
    *,
    manage: bool = False,
    action: str | None = None,
    org_slug: str | None = None,
    queryset: QuerySet[Process] | None = None,
) -> Process:
    """The process if the person may see it (or manage it, with `manage=True`; or do another `action` on it):
    a 404 otherwise, whether it does not exist or is out of reach. Its organisation and phases are loaded.

    `org_slug`: the process must belong to that organisation (addresses under /gerer/<organisation>/).
    `queryset`: for pages that need more loaded (a selector's queryset)."""
    if queryset is None:
        queryset = Process.objects.select_related("organisation").prefetch_related("phases")
    lookup = {"slug": slug}
    if org_slug is not None:
        lookup["organisation__slug"] = org_slug
    return get_object_for(request.user, action or (MANAGE if manage else VIEW), queryset, **lookup)


def get_proposal(process: Process, pk: int) -> Proposal:
    """A proposal of `process` (hidden ones included: each page decides what it shows of them), or a 404."""
    try:
        proposal = proposal_detail(process=process, pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    proposal.process = process
    return proposal


def back_url(request, default: str) -> str:
    """The page a button goes back to: the posted `next` if it is a path of this site (never a view name, another
    site or garbage), `default` otherwise."""
    return safe_next(request, request.POST.get("next", ""), default)


# --- What one can do now: the page of each action (registered in participation/hooks.py) ---------------------

_ACTION_URLS: dict[str, Callable[[Process], str]] = {}


def register_action_url(action: str, url: Callable[[Process], str]) -> None:
    """The page where a participant does `action` in a process (e.g. proposals: the "new proposal" form)."""
    _ACTION_URLS[action] = url


def what_one_can_do(user, process: Process) -> list[dict]:
    """For each action the active phase allows: allowed or not, why, and where to go next."""
    phase = process.active_phase()
    if phase is None:
        return []
    result = []
    for action in phase_types.ACTIONS:
        if action not in phase.type.actions:
            continue
        verdict = eligibility(user, process, action)
        url = ""
        if verdict.allowed and action in _ACTION_URLS:
            url = _ACTION_URLS[action](process)
        result.append(
            {
                "action": action,
                "label": phase_types.ACTION_LABELS[action],
                "allowed": verdict.allowed,
                "reason": verdict.reason,
                "message": verdict.message,
                "next_url": verdict.next_url,
                "url": url,
            }
        )
    return result
