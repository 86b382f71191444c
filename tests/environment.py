"""Loaded first by pytest (-p tests.environment): the test environment, before Django's settings."""

import os

os.environ["AUZOLAN_ENV"] = "test"
# A developer's .env (make run writes one) must not change what the tests see, in this process or in the ones it starts.
os.environ["AUZOLAN_DOTENV"] = ""
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
