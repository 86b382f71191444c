"""Who may do what in learning. Asked through core.permissions.can.

Published modules and paths are public (anonymous visitors read them; taking a quiz or recording progress needs an
account). Modules are written by agency staff and by the editors of partner organisations that staff authorised
(`AuthorisedEditor`): a partner edits its own organisation's modules only. Drafts and archived modules are seen by
their editors only (a 404 for everyone else)."""

import rules

from auzolan.core.rules import is_authenticated, is_operator
from auzolan.learning.models import AuthorisedEditor
from auzolan.organisations.models import Membership
from auzolan.organisations.rules import is_org_admin


def _authorised_editor_organisations(user) -> set[int]:
    if not (user and user.is_authenticated):
        return set()
    cache = user.__dict__.get("_learning_editor_orgs")
    if cache is None:
        cache = set(
            Membership.objects.filter(
                user=user,
                state=Membership.State.ACTIVE,
                role__in=("admin", "editor"),
                organisation__in=AuthorisedEditor.objects.values("organisation"),
            ).values_list("organisation_id", flat=True)
        )
        user.__dict__["_learning_editor_orgs"] = cache
    return cache


@rules.predicate
def is_partner_editor(user) -> bool:
    """An editor of at least one authorised organisation."""
    return bool(_authorised_editor_organisations(user))


@rules.predicate
def is_module_partner_editor(user, module) -> bool:
    return bool(
        module is not None
        and module.organisation_id is not None
        and module.organisation_id in _authorised_editor_organisations(user)
    )


@rules.predicate
def is_published_module(user, module) -> bool:
    return module is not None and module.state == "published"


can_edit_module = is_operator | is_module_partner_editor

# obj: a Module
rules.add_perm("learning.view_module", is_published_module | can_edit_module)
rules.add_perm("learning.take_module", is_authenticated & is_published_module)
rules.add_perm("learning.change_module", can_edit_module)
rules.add_perm("learning.view_feedback", can_edit_module)
# obj: None — the editors' pages
rules.add_perm("learning.add_module", is_operator | is_partner_editor)
rules.add_perm("learning.authorise_editors", is_operator)


@rules.predicate
def is_attestation_holder(user, attestation) -> bool:
    return bool(
        attestation is not None
        and user
        and user.is_authenticated
        and attestation.erased_at is None
        and attestation.user_id == user.pk
    )


# obj: an Attestation — the PDF is its holder's (anyone may verify it on the public page); staff revoke one issued by
# mistake
rules.add_perm("learning.download_attestation", is_attestation_holder)
rules.add_perm("learning.revoke_attestation", is_operator)

# obj: an Organisation — its admins see the training of the members who agreed to share it
rules.add_perm("learning.view_organisation_training", is_org_admin)

# obj: None — the agency's page of the territory training map (monthly figures, publication of its open dataset)
rules.add_perm("learning.manage_training_map", is_operator)
