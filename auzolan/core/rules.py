"""Rules of the core app, and the predicates every app may reuse."""

import rules


@rules.predicate
def is_operator(user) -> bool:
    """Agency staff who administer the whole platform."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_job_owner(user, job) -> bool:
    return bool(job is not None and user and user.is_authenticated and job.owner_id == user.pk)


rules.add_perm("core.view_auditlog", is_operator)
rules.add_perm("core.view_job", is_job_owner | is_operator)
