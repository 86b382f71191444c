"""What core sets up from CoreConfig.ready (core.hooks)."""

from django.contrib.admin import options
from django.core import checks
from django.db import models

from auzolan.core import hooks, legal
from auzolan.core.forms import BoundedJSONField
from auzolan.core.lookups import BoundedIntegerIn


def test_registered():
    hooks.register()  # again: harmless
    assert models.IntegerField.get_lookups()["in"] is BoundedIntegerIn
    assert options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] == {"form_class": BoundedJSONField}
    deployment_checks = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert deployment_checks.count(legal.check_operator_identity) == 1
