"""Loaded first by pytest (-p tests.environment): the test environment, before Django's settings."""

import os

os.environ["AUZOLAN_ENV"] = "test"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
