"""The link between a module's workshop piece and the sessions of the events module (`learning/workshop_events.py`):
sessions whose `external_ref` is "learning:<module>:<key>" are listed in the player, and a check-in at one of them
completes the piece — once."""

import pytest
from django.urls import reverse

from auzolan.events.services import registrations
from auzolan.learning import selectors, workshops
from auzolan.learning.models import Piece, PieceCompletion
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, staff
from tests.learning.factories import PieceFactory, module_with_pieces

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    module, _pieces = module_with_pieces(2)
    piece = PieceFactory(module=module, key="atelier", kind=Piece.Kind.WORKSHOP, body="", title="Atelier pratique")
    return module, piece


def check_in(registration):
    door = staff(registration.event.organisation, role="member")
    return registrations.registration_check_in(actor=door, event=registration.event, code=registration.code)


def test_reference_is_shown_on_the_editors_form(client, workshop):
    module, piece = workshop
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("learning:piece_edit", kwargs={"module_slug": module.slug, "piece_key": piece.key}))
    assert page.status_code == 200
    assert f'<code id="workshop-reference">learning:{module.slug}:atelier</code>' in page.content.decode()
    text_piece = client.get(reverse("learning:piece_edit", kwargs={"module_slug": module.slug, "piece_key": "p1"}))
    assert "workshop-reference" not in text_piece.content.decode()


def test_player_lists_the_sessions_of_the_reference_only(client, workshop):
    module, piece = workshop
    ref = workshops.reference(piece)
    listed = SessionFactory(title="Session de Bayonne", external_ref=ref)
    SessionFactory(title="Session annulée", external_ref=ref, is_cancelled=True)
    SessionFactory(title="Session brouillon", external_ref=ref, event=EventFactory(state="draft"))
    SessionFactory(title="Autre atelier", external_ref=f"learning:{module.slug}:p1")
    SessionFactory(title="Sans lien")
    page = client.get(reverse("learning:piece", kwargs={"module_slug": module.slug, "piece_key": piece.key}))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Session de Bayonne" in content and listed.event.get_absolute_url() in content
    for hidden in ("Session annulée", "Session brouillon", "Autre atelier", "Sans lien"):
        assert hidden not in content


def test_check_in_completes_the_piece_once(workshop):
    module, piece = workshop
    registration = RegistrationFactory(session=SessionFactory(external_ref=workshops.reference(piece)))
    _, already = check_in(registration)
    assert not already
    progress = selectors.progress_for(user=registration.user, module=module)
    assert selectors.completed_keys(progress) == {"atelier"}
    first = PieceCompletion.objects.get(progress=progress, piece_key="atelier")
    _, already = check_in(registration)
    assert already
    assert list(PieceCompletion.objects.filter(progress=progress)) == [first]  # a second scan adds nothing


@pytest.mark.parametrize(
    "ref",
    ["", "learning:{slug}:p1", "learning:{slug}:nexiste-pas", "learning:autre-module:atelier", "events:{slug}:atelier"],
)
def test_check_in_at_another_reference_completes_nothing(workshop, ref):
    module, _piece = workshop
    registration = RegistrationFactory(session=SessionFactory(external_ref=ref.format(slug=module.slug)))
    check_in(registration)
    assert selectors.progress_for(user=registration.user, module=module) is None
