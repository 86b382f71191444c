"""The observatory in the back office: the monthly snapshots (read only: they are taken by the schedule) with an
action that takes this month's snapshot now, in the background."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auzolan.observatory import tasks
from auzolan.observatory.models import ObservatoryDataset, ObservatorySnapshot


@admin.register(ObservatorySnapshot)
class ObservatorySnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "month",
        "organisations_publishing",
        "datasets_published",
        "scdl_valid",
        "scdl_declared",
        "bound_publishing",
        "bound_total",
        "reuses",
        "backfilled",
        "taken_at",
    )
    list_filter = ("backfilled",)
    actions = ["take_snapshot_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Relever les indicateurs du mois en cours maintenant"))
    def take_snapshot_now(self, request, queryset) -> None:
        tasks.take_snapshot.enqueue()
        self.message_user(
            request,
            _("Le relevé du mois en cours est lancé en arrière-plan ; il apparaîtra ici une fois fait."),
            messages.INFO,
        )


@admin.register(ObservatoryDataset)
class ObservatoryDatasetAdmin(admin.ModelAdmin):
    list_display = ("dataset", "published_at", "published_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
