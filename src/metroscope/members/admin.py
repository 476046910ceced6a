from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from metroscope.members import models as m


@admin.register(m.Region)
class RegionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "code", "regional_secretariat")


@admin.register(m.Country)
class CountryAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "iso3", "iso2", "region")
    list_filter = ("region",)
    search_fields = ("name", "iso3")


class ContactInline(admin.TabularInline):
    model = m.Contact
    extra = 0


@admin.register(m.Member)
class MemberAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "institution", "country", "kind")
    list_filter = ("kind", "country__region")
    search_fields = ("name", "institution", "code")
    list_select_related = ("country",)
    inlines = [ContactInline]


@admin.register(m.Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "member", "role_category", "gender", "active")
    list_filter = ("role_category", "gender", "active")
    search_fields = ("given_name", "family_name", "email", "member__name")
    list_select_related = ("member",)


@admin.register(m.StatutoryBody)
class StatutoryBodyAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "kind")


@admin.register(m.Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ("holder_name", "position", "body", "member", "start_date", "end_date", "gender")
    list_filter = ("body", "position", "gender")


@admin.register(m.OfficerAssignment)
class OfficerAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "member", "created_at")
    autocomplete_fields = ("member",)
