"""Sets request.organisation: the organisation the person currently acts for.

A person in several organisations picks one (the choice is kept in the session);
by default it is the first of their active memberships.
"""

from django.utils.functional import SimpleLazyObject

from auzolan.organisations.selectors import active_organisations_of

SESSION_KEY = "current_organisation_id"


def my_organisations(request) -> list:
    """The organisations the person may act for (one query per request, shared with the header's switcher)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(active_organisations_of(user=user))


def current_organisation(request):
    organisations = getattr(request, "my_organisations", None)
    if organisations is None:  # a request that did not go through the middleware
        organisations = my_organisations(request)
    chosen = request.session.get(SESSION_KEY)
    return next((o for o in organisations if o.pk == chosen), organisations[0] if organisations else None)


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.my_organisations = SimpleLazyObject(lambda: my_organisations(request))
        request.organisation = SimpleLazyObject(lambda: current_organisation(request))
        return self.get_response(request)
