"""`selectors.trained_users`: who completed a published open data module, or a data referents' path, and when."""

from datetime import UTC, datetime

import pytest

from auzolan.learning import selectors, services
from auzolan.learning.models import Module, Progress
from auzolan.opendata_programme import selectors as programme
from auzolan.opendata_programme.services import roadmap_template_seed
from tests.accounts.factories import UserFactory
from tests.learning.factories import PathFactory, PathItemFactory, TopicFactory, module_with_pieces
from tests.opendata_programme.factories import PilotGroupMemberFactory

pytestmark = pytest.mark.django_db


def _complete(user, module, at):
    for piece in module.pieces.all():
        services.piece_complete(user=user, module=module, piece=piece)
    Progress.objects.filter(user=user, module=module).update(completed_at=at)


def test_trained_users():
    open_data = TopicFactory(slug="open-data")
    other_topic = TopicFactory(slug="cybersecurite")
    od_module, _ = module_with_pieces(1, topic=open_data)
    cyber, _ = module_with_pieces(1, topic=other_topic)
    cyber2, _ = module_with_pieces(1, topic=other_topic)
    referents = PathFactory(audience="referent_donnees")
    PathItemFactory(path=referents, module=cyber)
    PathItemFactory(path=referents, module=cyber2)
    od_user, path_user, half_path, other_user, outsider, later_user = UserFactory.create_batch(6)
    _complete(od_user, od_module, datetime(2026, 3, 1, tzinfo=UTC))
    _complete(path_user, cyber, datetime(2026, 4, 1, tzinfo=UTC))
    _complete(path_user, cyber2, datetime(2026, 4, 9, tzinfo=UTC))
    _complete(half_path, cyber, datetime(2026, 4, 1, tzinfo=UTC))
    _complete(outsider, od_module, datetime(2026, 5, 1, tzinfo=UTC))
    _complete(later_user, od_module, datetime(2026, 5, 1, tzinfo=UTC))
    ids = [od_user.pk, path_user.pk, half_path.pk, other_user.pk, later_user.pk]  # not the outsider
    result = selectors.trained_users(user_ids=ids)
    assert result == {
        od_user.pk: datetime(2026, 3, 1, tzinfo=UTC),
        path_user.pk: datetime(2026, 4, 9, tzinfo=UTC),
        later_user.pk: datetime(2026, 5, 1, tzinfo=UTC),
    }
    # an archived open data module no longer counts
    Module.objects.filter(pk=od_module.pk).update(state=Module.State.ARCHIVED)
    assert set(selectors.trained_users(user_ids=ids)) == {path_user.pk}
    assert selectors.trained_users(user_ids=[]) == {}


def test_earliest_date_wins():
    open_data = TopicFactory(slug="open-data")
    first, _ = module_with_pieces(1, topic=open_data)
    second, _ = module_with_pieces(1, topic=open_data)
    user = UserFactory()
    _complete(user, second, datetime(2026, 6, 1, tzinfo=UTC))
    _complete(user, first, datetime(2026, 2, 1, tzinfo=UTC))
    assert selectors.trained_users(user_ids=[user.pk]) == {user.pk: datetime(2026, 2, 1, tzinfo=UTC)}


def test_the_programme_step_referents_trained_follows_their_training():
    """Registered by learning/hooks.py: the open data programme's "referents trained" is computed, and flips when
    the last of the two referents completes an open data module (and back when the module is archived)."""
    roadmap_template_seed()
    member = PilotGroupMemberFactory()
    member.elected_referent, member.agent_referent = UserFactory(), UserFactory()
    member.save()

    def trained():
        state = next(s for s in programme.roadmap(member.organisation).steps if s.step.code == "referents_trained")
        assert state.computed
        return state.done, state.date

    module, _ = module_with_pieces(1, topic=TopicFactory(slug="open-data"))
    assert trained() == (False, None)
    _complete(member.elected_referent, module, datetime(2026, 3, 1, 10, tzinfo=UTC))
    assert trained() == (False, None)
    _complete(member.agent_referent, module, datetime(2026, 3, 9, 10, tzinfo=UTC))
    assert trained() == (True, datetime(2026, 3, 9).date())
    Module.objects.filter(pk=module.pk).update(state=Module.State.ARCHIVED)
    assert trained() == (False, None)
