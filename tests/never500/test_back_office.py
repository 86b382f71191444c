"""Never a 500 in the back office (Django's admin, agency staff): every registered model's list (search, ordering,
page, filters, lookups with big integers and NUL), add and change pages (every field at once with garbage), and
objects that do not exist or cannot (ids beyond the database's integers)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.never500.fuzz import BIG, FIELD_GARBAGE, assert_no_500, page_forms

pytestmark = pytest.mark.exhaustive

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_never_a_500_in_the_back_office(client, db, world, model):
    client.force_login(world.staff)
    changelist = _url(model, "changelist")
    model_admin = admin.site._registry[model]
    filters = [f"{name}__exact" for name in model_admin.get_list_filter(None) if isinstance(name, str)]
    keys = ["q", "o", "p", "id__exact", "pk__in", "id__gt", *filters]
    assert_no_500(client.get(changelist), f"GET {changelist}")
    for value in [*FIELD_GARBAGE, "abc", "a\x00b"]:
        assert_no_500(client.get(changelist, dict.fromkeys(keys, value)), f"GET {changelist} = {value[:20]!r}")
    assert_no_500(client.post(changelist, {"action": "delete_selected", "_selected_action": BIG}), "action")
    add = _url(model, "add")
    if add:
        forms = page_forms(client.get(add))
        for value in FIELD_GARBAGE:
            assert_no_500(client.post(add, dict.fromkeys(forms.post, value)), f"POST {add} = {value[:20]!r}")
    instance = model._default_manager.order_by("pk").first()
    for pk in ([instance.pk] if instance else []) + [BIG, "abc", "a\x00b"]:
        change = _url(model, "change", pk)
        page = client.get(change)
        assert_no_500(page, f"GET {change[:80]}")
        forms = page_forms(page)
        for value in FIELD_GARBAGE if forms.post else ():
            assert_no_500(client.post(change, {**forms.post, **dict.fromkeys(forms.post, value)}), f"POST {change}")
        for view in ("history", "delete"):
            url = _url(model, view, pk)
            if url:
                assert_no_500(client.get(url), f"GET {url[:80]}")
