"""Re-uses: anyone with an account submits one; the organisation of each dataset moderates its link."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog.models import Dataset, Reuse, ReuseLink
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.permissions import require


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(_("L'adresse doit commencer par http:// ou https://."), field="url")
    return url


@transaction.atomic
def reuse_submit(
    *, actor, title: str, description: str, kind: str, url: str, datasets: list[Dataset] | tuple[Dataset, ...]
) -> Reuse:
    """Create the re-use and one pending link per dataset (published datasets only)."""
    require(actor, "catalog.submit_reuse", None, hide=False)
    url = _check_url(url)
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ValidationError(_("Donnez un titre à la réutilisation."), field="title")
    if not description:
        raise ValidationError(_("Décrivez la réutilisation en quelques phrases."), field="description")
    if kind not in Reuse.Kind.values:
        raise ValidationError(_("Choisissez un type de réutilisation dans la liste."), field="kind")
    unique = {dataset.pk: dataset for dataset in datasets}
    if not unique:
        raise ValidationError(_("Choisissez au moins un jeu de données réutilisé."), field="datasets")
    published = set(Dataset.objects.published().filter(pk__in=unique).values_list("pk", flat=True))
    if published != set(unique):
        raise ValidationError(_("Seuls les jeux de données publiés peuvent être choisis."), field="datasets")
    duplicates = sorted(
        ReuseLink.objects.filter(reuse__url=url, dataset_id__in=unique)
        .exclude(state=ReuseLink.State.REJECTED)
        .values_list("dataset__title", flat=True)
    )
    if duplicates:
        raise Conflict(
            _("Cette adresse est déjà proposée comme réutilisation de : %(titles)s.")
            % {"titles": ", ".join(duplicates)},
            field="url",
        )
    reuse = Reuse.objects.create(title=title, description=description, kind=kind, url=url, submitted_by=actor)
    ReuseLink.objects.bulk_create([ReuseLink(reuse=reuse, dataset=dataset) for dataset in unique.values()])
    audit_log(
        actor=actor,
        action="catalog.reuse.submitted",
        obj=reuse,
        data={"url": url, "datasets": sorted(dataset.slug for dataset in unique.values())},
    )
    return reuse


@transaction.atomic
def reuse_moderate(*, actor, link: ReuseLink, approve: bool, reason: str = "") -> ReuseLink:
    """Publish or reject a pending link; a rejection says why (the submitter reads it)."""
    require(actor, "catalog.moderate_reuse", link)
    link = ReuseLink.objects.select_for_update().select_related("reuse", "dataset__organisation").get(pk=link.pk)
    if link.state != ReuseLink.State.PENDING:
        raise Conflict(_("Cette réutilisation a déjà été modérée."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(
            _("Indiquez le motif du refus : la personne qui a proposé la réutilisation le lira."), field="reason"
        )
    link.state = ReuseLink.State.PUBLISHED if approve else ReuseLink.State.REJECTED
    link.reason = reason[:500]
    link.moderated_by = actor
    link.moderated_at = timezone.now()
    link.save(update_fields=["state", "reason", "moderated_by", "moderated_at"])
    audit_log(
        actor=actor,
        action="catalog.reuse.published" if approve else "catalog.reuse.rejected",
        obj=link.reuse,
        organisation=link.dataset.organisation,
        data={"dataset": link.dataset.slug, "reason": link.reason},
    )
    return link
