from django.conf import settings


def platform(request):
    return {
        "platform_name": settings.PLATFORM_NAME,
        "current_organisation": getattr(request, "organisation", None),
    }
