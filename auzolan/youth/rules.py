"""Who may do what in youth. Asked through core.permissions.can.

Agency staff (operators) manage partnerships and the actions that followed youth surveys. The public sees the
partnerships marked public, and the public actions of a survey whose results it may read
(`participation.view_survey_results`: a public process, a published survey, public results). Everything else is a
404 for everyone but staff. The administrators of a partner organisation edit their own partnership's public text
(`youth.edit_own_partnership`: what they do with the agency and the contact), not what staff decide."""

import rules

from auzolan.core.permissions import can
from auzolan.core.rules import is_operator
from auzolan.organisations.rules import is_org_admin


@rules.predicate
def is_public_partnership(user, partnership) -> bool:
    return partnership is not None and partnership.is_public


@rules.predicate
def is_public_action(user, action) -> bool:
    return action is not None and action.is_public


@rules.predicate
def can_read_survey_results(user, action) -> bool:
    return action is not None and can(user, "participation.view_survey_results", action.survey)


# obj: a Partnership
rules.add_perm("youth.view_partnership", is_public_partnership | is_operator)
rules.add_perm("youth.change_partnership", is_operator)
rules.add_perm("youth.edit_own_partnership", is_org_admin)  # the partnership's organisation's administrators
# obj: an Action
rules.add_perm("youth.view_action", (is_public_action & can_read_survey_results) | is_operator)
rules.add_perm("youth.change_action", is_operator)
# obj: None — the management pages and creation
rules.add_perm("youth.manage", is_operator)
