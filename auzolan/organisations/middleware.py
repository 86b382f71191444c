"""Sets request.organisation: the organisation the person currently acts for.

A person in several organisations picks one (the choice is kept in the session);
by default it is the first of their active memberships.
"""

from django.utils.functional import SimpleLazyObject

SESSION_KEY = "current_organisation_id"


def current_organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from auzolan.organisations.selectors import active_organisations_of

    organisations = active_organisations_of(user=user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        organisation = organisations.filter(pk=chosen).first()
        if organisation is not None:
            return organisation
    return organisations.first()


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = SimpleLazyObject(lambda: current_organisation(request))
        return self.get_response(request)
