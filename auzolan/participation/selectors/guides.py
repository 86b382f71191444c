"""Reads for the methodology guides."""

from __future__ import annotations

from django.db.models import QuerySet

from auzolan.participation.models import Guide


def guide_list() -> QuerySet[Guide]:
    return Guide.objects.only("slug", "title", "summary", "position", "related_template").order_by("position", "title")


def guide_detail_queryset() -> QuerySet[Guide]:
    return Guide.objects.select_related("updated_by")


def guides_for_template(template: str) -> QuerySet[Guide]:
    """The guides linked to a process template, then the general ones."""
    return guide_list().filter(related_template__in=[template, ""])
