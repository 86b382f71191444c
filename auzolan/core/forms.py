"""What every form of the platform shares."""

from django import forms

from auzolan.core.errors import ApplicationError


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
