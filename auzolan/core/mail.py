"""E-mail on a local installation (no EMAIL_URL): each message is written to its own `.eml` file under
`EMAIL_FILE_PATH` (var/emails/), readable as it is and openable by any mail client, and announced on the console —
recipient, subject, file and the first link it carries — so that whoever runs `make run` can follow a sign-up."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import slugify

logger = logging.getLogger("auzolan.mail")

_LINK = re.compile(r"https?://\S+")


class LocalFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            recipients = ", ".join(message.recipients())
            path = self._write(directory, recipients, message.message().as_bytes(linesep="\n"))
            link = _LINK.search(message.body or "")
            logger.info(
                "Courriel pour %s « %s » : %s%s",
                recipients,
                message.subject,
                path,
                f" — lien : {link.group(0)}" if link else "",
            )
            sent += 1
        return sent

    @staticmethod
    def _write(directory: Path, recipients: str, data: bytes) -> Path:
        """Write to a new file (never over another: several web and worker processes send e-mails)."""
        stem = f"{datetime.now():%Y%m%d-%H%M%S}-{slugify(recipients.replace('@', '-at-'))[:60] or 'courriel'}"
        number = 1
        while True:
            path = directory / (f"{stem}.eml" if number == 1 else f"{stem}-{number}.eml")
            try:
                with path.open("xb") as handle:
                    handle.write(data)
                return path
            except FileExistsError:
                number += 1
