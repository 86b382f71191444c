"""Who may do what in participation. Asked through core.permissions.can.

Participants' actions (propose, comment, support, answer, vote) follow the active phase and the verification it
asks for (see eligibility.py); managing a process belongs to the organisation's editors and administrators, who are
also its moderators.
"""

import rules

from auzolan.core.rules import is_authenticated, is_operator
from auzolan.organisations.rules import is_org_editor, is_org_member
from auzolan.participation.eligibility import eligibility


def _process(obj):
    """The process an object belongs to (a process, a proposal, a comment, a budget, a survey…)."""
    if obj is None:
        return None
    if hasattr(obj, "phases"):
        return obj
    return getattr(obj, "process", None)


@rules.predicate
def is_process_public(user, obj) -> bool:
    process = _process(obj)
    return process is not None and process.state in ("published", "closed", "archived")


@rules.predicate
def is_process_manager(user, obj) -> bool:
    process = _process(obj)
    return process is not None and is_org_editor(user, process.organisation)


@rules.predicate
def is_process_member(user, obj) -> bool:
    process = _process(obj)
    return process is not None and is_org_member(user, process.organisation)


@rules.predicate
def is_content_visible(user, obj) -> bool:
    return obj is not None and not getattr(obj, "is_hidden", False)


@rules.predicate
def is_own_content(user, obj) -> bool:
    return obj is not None and user.is_authenticated and getattr(obj, "author_id", None) == user.pk


def _action_predicate(action: str):
    @rules.predicate(name=f"phase_allows_{action}")
    def predicate(user, obj) -> bool:
        return bool(eligibility(user, _process(obj), action))

    return predicate


can_propose = _action_predicate("propose")
can_comment = _action_predicate("comment")
can_support = _action_predicate("support")
can_answer = _action_predicate("answer")
can_vote = _action_predicate("vote")

# Processes (obj: a process; for create: the organisation)
rules.add_perm("participation.view_process", is_process_public | is_process_member | is_operator)
rules.add_perm("participation.create_process", is_org_editor | is_operator)
rules.add_perm("participation.change_process", is_process_manager | is_operator)
rules.add_perm("participation.moderate", is_process_manager | is_operator)
rules.add_perm("participation.view_statistics", is_process_public | is_process_manager | is_operator)
# Participants (obj: the process)
rules.add_perm("participation.propose", can_propose)
rules.add_perm("participation.comment", can_comment)
rules.add_perm("participation.support", can_support)
rules.add_perm("participation.answer", can_answer)
rules.add_perm("participation.vote", can_vote)
rules.add_perm("participation.follow", is_authenticated & is_process_public)
rules.add_perm("participation.report", is_authenticated & is_process_public)
# Own content (obj: a proposal or a comment)
rules.add_perm("participation.edit_own", is_authenticated & is_own_content)
# Methodology guides: public reading, the agency's staff edit
rules.add_perm("participation.view_guide", rules.always_allow)
rules.add_perm("participation.change_guide", is_operator)


# --- Surveys (surveys area) ----------------------------------------------------------------------------------
@rules.predicate
def is_survey_published(user, survey) -> bool:
    return survey is not None and getattr(survey, "published_at", None) is not None


@rules.predicate
def is_survey_results_public(user, survey) -> bool:
    return survey is not None and bool(getattr(survey, "results_public", False))


# obj: a survey. Unpublished surveys and private results are for the organisation's managers only.
rules.add_perm(
    "participation.view_survey", (is_process_public & is_survey_published) | is_process_manager | is_operator
)
rules.add_perm(
    "participation.view_survey_results",
    (is_process_public & is_survey_published & is_survey_results_public) | is_process_manager | is_operator,
)

# --- Processes and verification area -------------------------------------------------------------------------
# Census lists of residents (obj: the organisation): its editors upload them, agency staff too.
rules.add_perm("participation.manage_census", is_org_editor | is_operator)
