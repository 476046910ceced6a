"""Forms of the group pages: a group (staff), adding a member, linking a meeting, posting in
the thread and sharing a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metroscope.community.models import Group, GroupRole
from metroscope.core import attachments
from metroscope.events.models import Event
from metroscope.members.models import Contact


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "name_en",
            "name_fr",
            "name_es",
            "kind",
            "visibility",
            "program",
            "description_en",
            "description_fr",
            "description_es",
        ]
        labels = {
            "name_en": _("Name in English"),
            "name_fr": _("Name in French"),
            "name_es": _("Name in Spanish"),
            "description_en": _("Description in English"),
            "description_fr": _("Description in French"),
            "description_es": _("Description in Spanish"),
        }
        widgets = {
            f"description_{code}": forms.Textarea(attrs={"rows": 3}) for code in ("en", "fr", "es")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True

    def group_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=150,
        help_text=_("A user of the site: they then read and write inside the group."),
    )
    contact = forms.ModelChoiceField(
        label=_("Or a member's contact"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("Listed in the group; contacts do not sign in."),
    )
    role = forms.ChoiceField(label=_("Role in the group"), choices=GroupRole.choices)

    def __init__(
        self, *args: Any, contacts: QuerySet[Contact], by_name: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not by_name:
            # Only the Secretariat adds users by name (community.access.can_add_users_by_name).
            del self.fields["username"]
            self.fields["contact"].label = _("A contact of your member")
            self.fields["contact"].required = True
            self.fields["contact"].help_text = _(
                "Listed in the group; contacts do not sign in. To add a user who signs in, "
                "ask the Secretariat."
            )
        field = self.fields["contact"]
        field.queryset = contacts  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.given_name} {c.family_name} ({c.member.name})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "username" not in self.fields:
            data["user"] = None
            return data
        username, contact = data.get("username", "").strip(), data.get("contact")
        if bool(username) == bool(contact):
            raise forms.ValidationError(_("Give either a user name or a member's contact."))
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                self.add_error("username", _("No active user is called “%s”.") % username)
            data["user"] = user
        else:
            data["user"] = None
        return data


class MeetingForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none())

    def __init__(self, *args: Any, events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        field.queryset = events  # type: ignore[attr-defined]
        field.label_from_instance = lambda e: (  # type: ignore[attr-defined]
            f"{e.activity.start_date or '—'} · {e.activity.title}"
        )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **bold**, *italics*, lists, links. No HTML."),
        error_messages={"required": _("The message is empty: write something before posting.")},
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF document or a PNG, JPEG, WebP or GIF image."),
        widget=forms.ClearableFileInput(attrs={"accept": attachments.ACCEPT}),
        error_messages={"required": _("Choose a file to share.")},
    )
