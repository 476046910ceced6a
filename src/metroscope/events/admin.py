"""Back office: staff make an activity of type event or training into an event that takes
registrations, with its sessions and speakers; registrations with their history."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from metroscope.events.models import (
    CertificateSending,
    Event,
    Feedback,
    Registration,
    Session,
    Speaker,
)


class SessionInline(TranslationTabularInline):
    model = Session
    extra = 1


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 1
    raw_id_fields = ("member",)


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "capacity", "languages", "registration_open")
    list_filter = ("registration_open", "activity__type")
    search_fields = ("activity__title",)
    inlines = [SessionInline, SpeakerInline]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "event", "status", "attended", "language", "created_at")
    list_filter = ("status", "attended", "language")
    search_fields = ("name", "event__activity__title")
    raw_id_fields = ("event", "contact", "user", "registered_by", "member")
    # capacity and the waiting list are kept by the services: staff read, and mark
    # attendance on the event's registrations page
    readonly_fields = ("status", "confirmed_at", "cancelled_at", "created_at")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("registration", "rating", "created_at")
    readonly_fields = ("registration", "rating", "comment", "created_at")


@admin.register(CertificateSending)
class CertificateSendingAdmin(admin.ModelAdmin):
    """The log of "certificate ready" e-mails: written by the services only."""

    list_display = ("registration", "email", "language", "sent_at", "sent_by")
    list_filter = ("language",)
    search_fields = ("registration__name", "email")
    readonly_fields = ("registration", "email", "language", "sent_at", "sent_by")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
