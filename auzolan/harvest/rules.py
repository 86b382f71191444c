"""Who may do what with harvest sources. Asked through core.permissions.can.

A source belongs to an organisation: its editors (and agency staff) see, create, change, delete and run its
sources; nobody else sees that they exist."""

import rules

from auzolan.core.rules import is_operator
from auzolan.organisations.rules import is_org_editor

# obj: a HarvestSource or a HarvestRun (through its source), or the organisation for "add"
rules.add_perm("harvest.add_source", is_org_editor | is_operator)
rules.add_perm("harvest.view_source", is_org_editor | is_operator)
rules.add_perm("harvest.change_source", is_org_editor | is_operator)
rules.add_perm("harvest.run_source", is_org_editor | is_operator)
# obj: None — the list of every organisation's sources
rules.add_perm("harvest.view_all_sources", is_operator)
