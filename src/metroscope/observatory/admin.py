from __future__ import annotations

from typing import Any

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from metroscope.observatory import models as m


class ReferenceValueInline(TranslationTabularInline):  # type: ignore[misc]
    model = m.ReferenceValue
    extra = 0
    fields = ("code", "label", "kind", "value", "year", "source", "url", "order")


@admin.register(m.Indicator)
class IndicatorAdmin(SimpleHistoryAdmin, TranslationAdmin):  # type: ignore[misc]
    list_display = ("code", "name", "theme", "unit", "direction", "headline", "featured")
    list_editable = ("featured",)
    list_filter = ("theme", "unit", "direction", "featured")
    inlines = (ReferenceValueInline,)
    search_fields = ("code", "name")
    filter_horizontal = ("plan_themes", "plan_challenges")


@admin.register(m.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("code", "publisher", "title", "licence", "released")
    search_fields = ("code", "title", "publisher")


class AliasInline(admin.TabularInline):
    model = m.MetroAlias
    extra = 0


class MemberInline(admin.TabularInline):
    model = m.MetroMember
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(m.Metro)
class MetroAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country_iso3", "kind", "ghsl_id", "wup_id", "synthetic")
    list_filter = ("kind", "synthetic")
    search_fields = ("code", "name", "folded", "country_iso3")
    inlines = (AliasInline, MemberInline)


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "kind",
        "created_at",
        "user",
        "filename",
        "rows",
        "created",
        "updated",
        "proposed",
    )
    list_filter = ("kind", "status")
    readonly_fields = tuple(f.name for f in m.ImportBatch._meta.fields)


@admin.register(m.Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("metro", "indicator", "year", "sex", "value", "scale", "status", "source")
    list_filter = ("status", "scale", "sex", "indicator")
    search_fields = ("metro__name", "metro__code")
    raw_id_fields = ("metro", "batch")
    list_select_related = ("metro", "indicator", "source")


@admin.register(m.ProposedValue)
class ProposedValueAdmin(admin.ModelAdmin):
    """Read only: proposals are decided on the review page, which publishes through the writer
    and keeps the revision; an edit here would bypass both."""

    list_display = ("observation", "value", "decision", "proposed_by", "proposed_at", "decided_by")
    list_filter = ("decision",)
    list_select_related = ("observation__metro", "observation__indicator", "proposed_by")
    readonly_fields = tuple(f.name for f in m.ProposedValue._meta.fields)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(m.PeerGroup)
class PeerGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner", "visibility", "uid", "updated_at")
    list_filter = ("visibility",)
    search_fields = ("name", "uid", "owner__username")
    autocomplete_fields = ("metros",)
    readonly_fields = ("uid",)
