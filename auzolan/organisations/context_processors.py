def organisations(request):
    """The organisations the person may act for, for the switcher in the header (queried only if shown)."""
    return {"my_organisations": getattr(request, "my_organisations", [])}
