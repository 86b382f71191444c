"""Back office (agency staff): the roadmap template, the SCDL datasets expected per kind of organisation, and read
access to the programme's records (their writes go through the pages, which audit them)."""

from django import forms
from django.contrib import admin

from auzolan.opendata_programme import selectors
from auzolan.opendata_programme.models import (
    ExpectedSchema,
    InventoryLine,
    Meeting,
    ObligationOverride,
    PilotGroup,
    PilotGroupMember,
    RoadmapStep,
    StepCheck,
    SupportAction,
)


class RoadmapStepAdminForm(forms.ModelForm):
    class Meta:
        model = RoadmapStep
        fields = ["code", "position", "title", "short_label", "help_text", "evidence_hint", "observer", "threshold"]
        fields += ["link", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["observer"]
        self.fields["observer"] = forms.ChoiceField(
            label=field.label, help_text=field.help_text, choices=selectors.observer_choices(), required=False
        )


@admin.register(RoadmapStep)
class RoadmapStepAdmin(admin.ModelAdmin):
    form = RoadmapStepAdminForm
    list_display = ("position", "title", "short_label", "observer", "link", "active")
    list_display_links = ("title",)
    list_editable = ("position", "active")
    ordering = ("position",)


@admin.register(ExpectedSchema)
class ExpectedSchemaAdmin(admin.ModelAdmin):
    list_display = ("kind", "schema", "legally_required", "position")
    list_filter = ("kind", "legally_required")
    list_select_related = ("schema",)


class PilotGroupMemberInline(admin.TabularInline):
    model = PilotGroupMember
    extra = 0
    raw_id_fields = ("organisation", "elected_referent", "agent_referent")


@admin.register(PilotGroup)
class PilotGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date")
    inlines = [PilotGroupMemberInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StepCheck)
class StepCheckAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "step", "done_on", "checked_by")
    list_select_related = ("organisation", "step", "checked_by")


@admin.register(ObligationOverride)
class ObligationOverrideAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "bound", "reason", "set_by")
    list_select_related = ("organisation", "set_by")


@admin.register(InventoryLine)
class InventoryLineAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "status", "priority", "personal_data_risk", "target_date")
    list_filter = ("status", "priority", "personal_data_risk")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("date", "organisation")
    list_select_related = ("organisation",)


@admin.register(SupportAction)
class SupportActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "due_date", "done")
    list_filter = ("done",)
    list_select_related = ("organisation",)
