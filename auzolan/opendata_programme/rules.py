"""Who may do what in the open data programme. Asked through core.permissions.can.

The agency's staff (operators) run the programme: pilot groups, the roadmap template, checks of steps, the
obligation's overrides, meetings. An organisation's members see their own roadmap, inventory and follow-up; its
editors and administrators keep the inventory; its administrators name the referents. Nobody else sees that these
exist (out of reach is a 404)."""

import rules

from auzolan.core.rules import is_operator
from auzolan.organisations.rules import is_org_admin, is_org_editor, is_org_member


@rules.predicate
def is_action_owner(user, action) -> bool:
    return bool(action is not None and user and user.is_authenticated and action.owner_id == user.pk)


# obj: None — the programme's pages for the agency (dashboard, pilot groups, template, coverage matrix)
rules.add_perm("opendata_programme.manage_programme", is_operator)
# obj: an organisation (or an object with `.organisation`)
rules.add_perm("opendata_programme.view_roadmap", is_org_member | is_operator)
rules.add_perm("opendata_programme.check_step", is_operator)
rules.add_perm("opendata_programme.set_obligation", is_operator)
rules.add_perm("opendata_programme.name_referents", is_org_admin | is_operator)
rules.add_perm("opendata_programme.view_inventory", is_org_member | is_operator)
rules.add_perm("opendata_programme.change_inventory", is_org_editor | is_operator)
rules.add_perm("opendata_programme.view_support", is_org_member | is_operator)
rules.add_perm("opendata_programme.manage_support", is_operator)
# obj: a SupportAction — the agency, the organisation's administrators and the action's owner mark it done
rules.add_perm("opendata_programme.complete_action", is_operator | is_org_admin | (is_org_member & is_action_owner))
