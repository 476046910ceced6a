from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from metroscope.exchange import models as m


@admin.register(m.Collection)
class CollectionAdmin(SimpleHistoryAdmin, TranslationAdmin):  # type: ignore[misc]
    list_display = ("code", "name", "website", "order")
    search_fields = ("code", "name")


class TranslationInline(admin.StackedInline):
    model = m.SolutionTranslation
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = m.Attachment
    extra = 0
    readonly_fields = ("kind", "content_type", "size", "uploaded_by", "uploaded_at")


class StepInline(admin.TabularInline):
    model = m.ReviewStep
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "comment", "actor", "at")


@admin.register(m.Solution)
class SolutionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "city", "country_iso3", "collection", "status", "published_at")
    list_filter = ("status", "collection", "language", "synthetic")
    search_fields = ("title", "city", "slug")
    autocomplete_fields = ("metro",)
    filter_horizontal = ("members", "themes", "challenges")
    readonly_fields = ("views", "created_at", "updated_at", "submitted_at", "published_at")
    inlines = (TranslationInline, AttachmentInline, StepInline)
