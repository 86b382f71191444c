"""Who may do what in the catalogue. Asked through core.permissions.can."""

import rules

from auzolan.core.rules import is_authenticated, is_operator
from auzolan.organisations.rules import is_org_editor, is_org_member


@rules.predicate
def is_published(user, dataset) -> bool:
    return dataset is not None and dataset.state == "published"


@rules.predicate
def is_link_dataset_editor(user, link) -> bool:
    return link is not None and is_org_editor(user, link.dataset.organisation)


# Datasets: published ones are public; drafts and archives are visible to their organisation's members.
rules.add_perm("catalog.view_dataset", is_published | is_org_member | is_operator)
# obj: the organisation that will own the dataset
rules.add_perm("catalog.create_dataset", is_org_editor | is_operator)
rules.add_perm("catalog.change_dataset", is_org_editor | is_operator)
rules.add_perm("catalog.publish_dataset", is_org_editor | is_operator)
rules.add_perm("catalog.submit_reuse", is_authenticated)
# obj: a ReuseLink
rules.add_perm("catalog.moderate_reuse", is_link_dataset_editor | is_operator)
