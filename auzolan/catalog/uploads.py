"""The size limit of uploads (UPLOAD_MAX_BYTES), and oversized uploads refused while the request body arrives,
before they are stored anywhere. (What an accepted file must contain is checked by `resource_checks`.)

Django normally writes the whole body of a multipart request to a temporary file before the view runs, so the
services' size check came after a 500 Mo upload was already on disk. `UploadSizeLimitHandler` runs first in the
chain of upload handlers: it refuses at once when the announced length (CONTENT_LENGTH) is clearly over the
limit, and otherwise counts the bytes of each file and skips the file as soon as it goes over. A skipped file
never reaches the next handlers (its partial temporary file is closed and so deleted); the other fields of the
form are still parsed, so the page can show the error next to the file field and keep what the person typed.

`limit_upload_size` installs it for one view. The handlers must be changed before anything reads request.POST,
and the CSRF middleware reads it: the view is exempted from the middleware and protected from inside instead,
as Django's documentation describes for modifying upload handlers on the fly.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from auzolan.core.errors import ApplicationError

#: Room for the other fields of the form and the multipart boundaries when judging CONTENT_LENGTH alone
#: (the publishing forms' text fields are a few kilobytes at most).
ENVELOPE_MARGIN = 256 * 1024


def upload_max_bytes() -> int:
    """The largest file a person may upload (UPLOAD_MAX_BYTES, 500 Mo by default)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 500 * 1024 * 1024))


def megabytes(size: int) -> str:
    """A size in Mo as French pages write it ("500", "1,5")."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


class UploadSizeLimitHandler(FileUploadHandler):
    """First of the upload handlers: passes chunks through, and skips any file larger than UPLOAD_MAX_BYTES."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_max_bytes()
        self.body_too_big = False
        #: Names of the form fields whose file was refused.
        self.refused_fields: list[str] = []

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The body cannot hold a file under the limit: refuse every file before a byte is written.
        self.body_too_big = content_length > self.limit + ENVELOPE_MARGIN
        return None  # let the parser read the other fields

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if self.body_too_big:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file

    def _refuse(self):
        if self.field_name not in self.refused_fields:
            self.refused_fields.append(self.field_name)
        raise SkipFile

    @property
    def refused(self) -> bool:
        return bool(self.refused_fields)

    def message(self) -> str:
        return _("Le fichier dépasse la taille maximale de %(limit)s Mo.") % {"limit": megabytes(self.limit)}

    def add_errors(self, form) -> None:
        """Put the refusal next to each refused file field (replacing "this field is required")."""
        form.is_valid()
        for field in self.refused_fields:
            if field in form.fields:
                form.errors.pop(field, None)
                form.add_error(field, self.message())


def limit_upload_size(view):
    """Install UploadSizeLimitHandler for `view` (available to it as request.upload_size_limit)."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        handler = UploadSizeLimitHandler(request)
        request.upload_handlers.insert(0, handler)
        request.upload_size_limit = handler
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


class UploadTooLarge(ApplicationError):
    """An uploaded file over UPLOAD_MAX_BYTES (the API answers 413)."""

    code = "too-large"
    status = 413


def install_upload_limit(request) -> UploadSizeLimitHandler:
    """Put UploadSizeLimitHandler first for this request (before anything reads its body)."""
    handler = UploadSizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    request.upload_size_limit = handler
    return handler


def limit_api_upload_size(run):
    """For a django-ninja operation (`@decorate_view(limit_api_upload_size)`): the handler is installed before
    ninja authenticates and parses the body; the operation then calls `refuse_oversized_upload(request)` (its file
    parameter must be optional: a refused file is missing from the parsed body)."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        install_upload_limit(request)
        return run(request, *args, **kwargs)

    return wrapper


def refuse_oversized_upload(request, field: str = "file") -> None:
    """`UploadTooLarge` (413) when the request's upload handler refused a file."""
    handler = getattr(request, "upload_size_limit", None)
    if handler is not None and handler.refused:
        raise UploadTooLarge(handler.message(), field=field, extra={"max_bytes": handler.limit})
