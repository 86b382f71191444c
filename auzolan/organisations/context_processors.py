from django.utils.functional import SimpleLazyObject


def organisations(request):
    """The organisations the person may act for, for the switcher in the header (queried only if shown)."""

    def load():
        from auzolan.organisations.selectors import active_organisations_of

        user = getattr(request, "user", None)
        return list(active_organisations_of(user=user)) if user is not None else []

    return {"my_organisations": SimpleLazyObject(load)}
