"""One submission per form: a double click or a resent request must not create things twice.

A creation form carries a hidden random token (`SubmissionTokenMixin`). The view claims the token before
calling the service (`claim_submission`) and releases it if the service refuses the input, so the person can
correct and resend. The claim is an atomic `cache.add` in the shared cache (database or Redis), so it holds
across web processes.
"""

import uuid

from django import forms
from django.core.cache import cache

CLAIM_SECONDS = 60 * 60


class SubmissionTokenMixin(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4()


def _key(request, token) -> str:
    return f"submission:{request.user.pk}:{token}"


def claim_submission(request, token) -> bool:
    """True the first time a token is presented; False for a repeat (or a missing token is always accepted)."""
    if not token:
        return True
    return cache.add(_key(request, token), True, CLAIM_SECONDS)


def release_submission(request, token) -> None:
    if token:
        cache.delete(_key(request, token))
