"""What every form of the platform shares."""

from django import forms
from django.db import models

from auzolan.core.errors import ApplicationError
from auzolan.core.inputs import BIGINT_MAX, BoundedJSONDecoder, int_param


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal next to its field(s), or at the top of the form."""
    details = error.extra if isinstance(error.extra, dict) else {}
    placed = False
    for field, messages in details.items():
        if field in form.fields and isinstance(messages, list | tuple):
            for message in messages:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(error.field if error.field in form.fields else None, error.message)


def _fits_the_database(field, value) -> bool:
    """Whether a submitted choice can be looked up at all: no NUL (PostgreSQL), not absurdly long, and an integer
    within the database's range when the key is an integer column (SQLite cannot even compare with a bigger one)."""
    text = str(value)
    if "\x00" in text or len(text) > 1000:
        return False
    model = field.queryset.model
    key = model._meta.pk if field.to_field_name in (None, "pk") else model._meta.get_field(field.to_field_name)
    if isinstance(key, models.IntegerField):
        return int_param(text, minimum=-BIGINT_MAX, maximum=BIGINT_MAX) is not None
    return True


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose submitted value is refused as an invalid choice before any query when it cannot be
    looked up (see `_fits_the_database`). Every form of the platform uses it (tests/core/test_forms_bounded.py)."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, models.Model)
            and not _fits_the_database(self, value)
        ):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same for several choices (Django compares `pk__in` without checking the range: OverflowError on SQLite)."""

    def _check_values(self, value):
        for item in value:
            if not _fits_the_database(self, item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(item)[:50]}
                )
        return super()._check_values(value)


class BoundedJSONField(forms.JSONField):
    """JSON typed in a form, parsed within core.inputs' depth bound (Django's own field lets RecursionError through:
    a 500). The back office's forms use it for every model JSONField (CoreConfig.ready)."""

    def __init__(self, *, decoder=None, **kwargs):
        super().__init__(decoder=decoder or BoundedJSONDecoder, **kwargs)
