"""Run the background-task worker inside a test.

The worker closes its database connection after each task, which would break a test wrapped in a
transaction (on PostgreSQL): tests that call run_queued_tasks() use django_db(transaction=True).
"""

from django.core.management import call_command


def run_queued_tasks() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, queue_name="*")
