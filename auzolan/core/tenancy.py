"""Tenant data: every organisation-owned model has an `organisation` foreign key and this manager.

Reads of tenant data state their scope: `Model.objects.for_organisation(org)` or
`Model.objects.for_organisations(orgs)`. The admin and the services that already hold the
organisation use the same calls.
"""

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def for_organisations(self, organisations):
        return self.filter(organisation__in=organisations)


TenantManager = models.Manager.from_queryset(TenantQuerySet)
