"""The back office of events (agency staff): everything readable, registrations changed only through the pages
(their services keep the seats, the waiting list and the e-mails consistent)."""

from django.contrib import admin

from auzolan.events.models import Event, Feedback, Question, Quota, Registration, Session, Venue, WaitingListEntry


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "organisation", "step_free")
    list_filter = ("step_free",)
    search_fields = ("name", "address", "commune__name")
    list_select_related = ("commune", "organisation")
    autocomplete_fields = ("commune", "organisation")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("title", "format", "venue", "starts_at", "ends_at", "capacity", "quota", "is_cancelled", "external_ref")
    autocomplete_fields = ("venue",)


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "starts_at", "state", "registration_mode")
    list_filter = ("state", "registration_mode")
    search_fields = ("title", "slug")
    list_select_related = ("organisation",)
    readonly_fields = ("state", "published_at", "sequence", "uid")
    inlines = [QuotaInline, SessionInline, QuestionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("code", "user", "event", "session", "state", "attended_at")
    list_filter = ("state",)
    search_fields = ("code", "user__email", "event__title")
    list_select_related = ("user", "event", "session")
    readonly_fields = [field.name for field in Registration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "session", "state", "offer_expires_at")
    list_filter = ("state",)
    list_select_related = ("user", "event", "session")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("registration", "rating", "created_at")
    list_select_related = ("registration", "registration__user", "registration__event", "registration__session")
    readonly_fields = ("registration", "rating", "useful", "improve")

    def has_add_permission(self, request):
        return False
