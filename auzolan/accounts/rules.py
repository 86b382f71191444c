"""Permissions of the accounts app (see auzolan.core.permissions)."""

import rules

from auzolan.core.rules import is_authenticated, is_job_owner, is_operator

# Personal pages: any signed-in, active person, about themselves.
rules.add_perm("accounts.view_own_space", is_authenticated)
# An export holds personal data: only its owner downloads it (not even the agency's staff).
rules.add_perm("accounts.download_export", is_job_owner)


@rules.predicate
def is_token_owner(user, token) -> bool:
    return bool(token is not None and user and user.is_authenticated and token.user_id == user.pk)


# A personal API token: its owner revokes it (/moi/jetons-api/), agency staff too (a leaked token, in the back office).
rules.add_perm("accounts.revoke_api_token", is_token_owner | is_operator)
