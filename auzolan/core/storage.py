"""The bucket storage of uploaded and generated files (S3_BUCKET): its objects are private, so their address is
always the platform's own — `/media/<name>` (core.media: public images after a permission check) for `.url`, and
the download views for everything else — never the bucket's (no third-party host, no unchecked access)."""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return settings.MEDIA_URL + filepath_to_uri(name)
