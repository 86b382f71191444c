"""Who may do what with events. Asked through core.permissions.can.

An event belongs to an organisation (the agency or a member): its editors and administrators manage it (sessions,
registrations, exports, statistics); any of its members may welcome attendees at the door (check-in). Anyone sees a
published (or cancelled, or archived) event; a signed-in person registers to a published one; a registration is its
owner's to see, cancel, carry as a ticket and comment on once attended.
"""

import rules

from auzolan.core.rules import is_authenticated, is_operator
from auzolan.organisations.rules import is_org_editor, is_org_member


def _event(obj):
    if obj is None:
        return None
    return obj if hasattr(obj, "registration_mode") else getattr(obj, "event", None)


@rules.predicate
def is_event_public(user, obj) -> bool:
    event = _event(obj)
    return event is not None and event.is_public


@rules.predicate
def is_event_open(user, obj) -> bool:
    event = _event(obj)
    return event is not None and event.state == "published"


@rules.predicate
def is_event_manager(user, obj) -> bool:
    event = _event(obj)
    return event is not None and is_org_editor(user, event.organisation)


@rules.predicate
def is_event_staff(user, obj) -> bool:
    event = _event(obj)
    return event is not None and is_org_member(user, event.organisation)


@rules.predicate
def is_own_registration(user, obj) -> bool:
    return obj is not None and user.is_authenticated and getattr(obj, "user_id", None) == user.pk


@rules.predicate
def has_attended(user, obj) -> bool:
    return obj is not None and getattr(obj, "state", None) == "attended"


# Events (obj: an event; for create: the organisation)
rules.add_perm("events.view_event", is_event_public | is_event_staff | is_operator)
rules.add_perm("events.create_event", is_org_editor | is_operator)
rules.add_perm("events.change_event", is_event_manager | is_operator)
rules.add_perm("events.manage_registrations", is_event_manager | is_operator)
rules.add_perm("events.check_in", is_event_staff | is_operator)
rules.add_perm("events.register", is_authenticated & is_event_open)
# Own registrations and waiting-list places (obj: a registration or an entry)
rules.add_perm("events.view_registration", is_own_registration)
rules.add_perm("events.cancel_registration", is_own_registration)
rules.add_perm("events.give_feedback", is_own_registration & has_attended)
