"""The blocks youth adds elsewhere (registered in hooks.py): the programme page "Jeunesse et événements", and "Mon
espace" of a partner organisation's administrators."""

from __future__ import annotations

from auzolan.youth import selectors


def programme_section(request, programme) -> dict:
    return selectors.programme_figures()


def dashboard_section(request) -> dict | None:
    """ "Mon espace" of a partner's administrators: a link to edit their organisation's presentation."""
    partnerships = list(selectors.partnerships_of_admin(request.user))
    return {"partnerships": partnerships} if partnerships else None
