"""What the budget pages share: a budget of a process (a 404 otherwise) and the one-time code a visitor typed,
kept in their session (`voting_codes` writes it, the vote pages read it)."""

from __future__ import annotations

from django.http import Http404

from auzolan.participation.models import AccessCode, Budget, Process
from auzolan.participation.selectors import budgets as selectors

CODES_KEY = "participation_codes"


def get_budget(process: Process, pk: int) -> Budget:
    try:
        return selectors.budget_for(process, pk)
    except Budget.DoesNotExist:
        raise Http404 from None


def session_access_code(request, process: Process) -> AccessCode | None:
    """The code this visitor entered for `process` (used or not), if any."""
    code_id = request.session.get(CODES_KEY, {}).get(str(process.pk))
    if code_id is None:
        return None
    return AccessCode.objects.filter(pk=code_id, process=process).first()


def remember_access_code(request, process: Process, access_code: AccessCode) -> None:
    """Keep the accepted code in a new session (the key changes: a code is a credential)."""
    request.session.cycle_key()
    stored = dict(request.session.get(CODES_KEY, {}))
    stored[str(process.pk)] = access_code.pk
    request.session[CODES_KEY] = stored
