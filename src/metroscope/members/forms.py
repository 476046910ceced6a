from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from metroscope.members.models import Contact, Member
from metroscope.members.services import PROFILE_FIELDS, REGISTRY_FIELDS


class MemberProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(PROFILE_FIELDS)
        labels = {
            "description_en": _("Description (English)"),
            "description_fr": _("Description (French)"),
            "description_es": _("Description (Spanish)"),
        }


class MemberRegistryForm(forms.ModelForm):
    """What the secretariat may also change: the registry facts."""

    class Meta:
        model = Member
        fields = list(PROFILE_FIELDS + REGISTRY_FIELDS)
        labels = MemberProfileForm.Meta.labels


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "given_name",
            "family_name",
            "position",
            "role_category",
            "gender",
            "email",
            "phone",
            "language",
            "active",
        ]
