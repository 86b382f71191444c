"""Signals of the events module, for apps above it (it knows none of them).

- `session_attended(sender=Registration, registration=…)`: a registration to a session was just checked in at the
  door (sent once, after the check-in is saved; a second scan sends nothing). The learning module completes the
  workshop piece named by the session's `external_ref` ("learning:<module slug>:<piece key>")."""

from django.dispatch import Signal

session_attended = Signal()
