"""Every form's choice of database objects refuses what cannot be looked up — an id beyond the database's integers
(SQLite raises OverflowError on `pk__in`), NUL in a slug (PostgreSQL raises DataError) — as an invalid choice, before
any query: the platform's forms use core.forms' bounded fields wherever Django's would query with such a value."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.db import models

import auzolan
from auzolan.core.forms import BoundedJSONField, BoundedModelChoiceField, BoundedModelMultipleChoiceField
from auzolan.organisations.models import Commune, Organisation
from tests.organisations.factories import OrganisationFactory


def _form_classes():
    for module_info in pkgutil.walk_packages(auzolan.__path__, "auzolan."):
        if ".forms" not in module_info.name and not module_info.name.endswith("forms_reuses"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def _key(field):
    model = field.queryset.model if field.queryset is not None else None
    return None if model is None or field.to_field_name in (None, "pk") else model._meta.get_field(field.to_field_name)


def test_every_choice_of_objects_is_bounded():
    unbounded = []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                if not isinstance(field, BoundedModelMultipleChoiceField):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
            elif isinstance(field, forms.JSONField) and not isinstance(field, BoundedJSONField):
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name} (JSON)")
            elif isinstance(field, forms.ModelChoiceField) and not isinstance(field, BoundedModelChoiceField):
                key = _key(field)
                if key is not None and not isinstance(key, models.IntegerField):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name} (by {field.to_field_name})")
    assert not unbounded, "use core.forms.BoundedModel(Multiple)ChoiceField:\n" + "\n".join(unbounded)


@pytest.mark.django_db
def test_bounded_fields_refuse_what_cannot_be_looked_up():
    several = BoundedModelMultipleChoiceField(queryset=Commune.objects.all())
    for value in (str(2**63), "9" * 40, "a\x00b", "x" * 2000):
        with pytest.raises(forms.ValidationError):
            several.clean([value])
    by_slug = BoundedModelChoiceField(queryset=Organisation.objects.all(), to_field_name="slug")
    with pytest.raises(forms.ValidationError):
        by_slug.clean("a\x00b")
    organisation = OrganisationFactory(slug="test")
    assert by_slug.clean("test") == organisation
    several_slugs = BoundedModelMultipleChoiceField(queryset=Organisation.objects.all(), to_field_name="slug")
    assert list(several_slugs.clean(["test"])) == [organisation]


def test_every_json_field_of_the_back_office_is_bounded(rf, django_user_model):
    request = rf.get("/")
    request.user = django_user_model(is_staff=True, is_superuser=True)
    unbounded = []
    for model, model_admin in admin.site._registry.items():
        for name, field in model_admin.get_form(request).base_fields.items():
            if isinstance(field, forms.JSONField) and not isinstance(field, BoundedJSONField):
                unbounded.append(f"{model._meta.label}.{name}")
    assert not unbounded, unbounded


def test_the_bounded_json_field_refuses_deep_nesting_with_a_form_error():
    field = BoundedJSONField()
    assert field.clean('{"a": [1, 2]}') == {"a": [1, 2]}
    for deep in ("[" * 100_000, "[" * 100 + "]" * 100):
        with pytest.raises(forms.ValidationError):
            field.clean(deep)
        assert field.bound_data(deep, None) == deep  # shown again as typed, not a RecursionError
