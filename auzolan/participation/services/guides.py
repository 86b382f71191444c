"""Writes on methodology guides (the agency's staff only)."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.participation.models import Guide, Process

GUIDE_FIELDS = ("title", "summary", "body", "position", "related_template")


def _check(fields: dict) -> None:
    if not (fields.get("title") or "").strip():
        raise ValidationError(_("Donnez un titre au guide."), field="title")
    if not (fields.get("body") or "").strip():
        raise ValidationError(_("Le guide est vide : écrivez son contenu."), field="body")
    template = fields.get("related_template") or ""
    if template and template not in Process.Template.values:
        raise ValidationError(_("Modèle de démarche inconnu."), field="related_template")


@transaction.atomic
def guide_create(
    *, actor, title: str, body: str, summary: str = "", position: int = 0, related_template: str = "", slug: str = ""
) -> Guide:
    require(actor, "participation.change_guide", hide=False)
    _check({"title": title, "body": body, "related_template": related_template})
    slug = slugify(slug or title)[:120] or "guide"
    if Guide.objects.filter(slug=slug).exists():
        raise Conflict(_("Un guide porte déjà cet identifiant."), field="title")
    guide = Guide(
        slug=slug,
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        position=position,
        related_template=related_template,
        updated_by=actor,
    )
    full_clean_or_raise(guide)
    guide.save()
    audit_log(actor=actor, action="participation.guide.created", obj=guide)
    return guide


@transaction.atomic
def guide_update(*, actor, guide: Guide, **fields) -> Guide:
    require(actor, "participation.change_guide", guide, hide=False)
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    merged = {name: getattr(guide, name) for name in GUIDE_FIELDS} | fields
    _check(merged)
    changed = [name for name, value in fields.items() if getattr(guide, name) != value]
    for name, value in fields.items():
        setattr(guide, name, value.strip() if name in ("title", "summary") else value)
    guide.updated_by = actor
    full_clean_or_raise(guide)
    guide.save()
    audit_log(actor=actor, action="participation.guide.updated", obj=guide, data={"fields": changed})
    return guide
