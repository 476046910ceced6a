"""In-app notifications, kept beside the e-mails the apps send: writing them (one per
recipient, in the sending service's transaction), reading them (the header's unread count, the
list) and marking them read.

Core knows no domain: each app registers the text of its kinds from `AppConfig.ready()`
(`register_kind("events.confirmed", gettext_lazy("…%(event)s…"))`). A notification stores the
kind and its parameters, not a sentence, so the page translates it into the language its
reader reads in, whenever she reads it. A parameter that is itself translated content (an
event's title) is stored as {"en": …, "fr": …, "es": …} (`translations_of`), and the link as
a path in the default language, turned into the reader's language when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from metroscope.core.models import Notification

_KINDS: dict[str, Promise] = {}

Param = str | int | float | dict[str, str]


def register_kind(kind: str, text: Promise) -> None:
    """Called from AppConfig.ready(): the text of a kind, a lazy translation with named
    placeholders (gettext_lazy, or ngettext_lazy keyed on a "count" parameter)."""
    _KINDS[kind] = text


def registered_kinds() -> list[str]:
    return sorted(_KINDS)


def translations_of(obj: Any, field: str) -> dict[str, str]:
    """A django-modeltranslation field in every language it has text in."""
    found = {}
    for language, _name in settings.LANGUAGES:
        value = getattr(obj, f"{field}_{language}", None)
        if value:
            found[language] = str(value)
    return found or {settings.LANGUAGE_CODE: str(getattr(obj, field, ""))}


def link_to(view_name: str, *args: Any, **kwargs: Any) -> str:
    """A page's path in the default language, as a notification stores it."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(view_name, args=args or None, kwargs=kwargs or None)


# --- writing --------------------------------------------------------------------------------


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    params: Mapping[str, Param] | None = None,
    link: str = "",
) -> list[Notification]:
    """One notification of `kind` for each active recipient (each once, however often named;
    None and inactive users left out). Raises ValueError for a kind no app registered, so a
    typo cannot store a notification nobody can read."""
    if kind not in _KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if link and not link.startswith("/"):
        raise ValueError(f"a notification links to a path on the site, not {link!r}")
    users: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            users.setdefault(user.pk, user)
    now = timezone.now()
    made = [
        Notification(
            recipient=user, kind=kind, params=dict(params or {}), link=link, created_at=now
        )
        for user in users.values()
    ]
    if not made:
        return []
    return list(bulk_create_with_history(made, Notification))


@transaction.atomic
def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (again: nothing changes). Raises
    Notification.DoesNotExist for another person's or a missing one."""
    found = Notification.objects.select_for_update().get(pk=notification_id, recipient=user)
    if found.read_at is None:
        found.read_at = timezone.now()
        found._history_user = user  # type: ignore[attr-defined]
        found.save(update_fields=["read_at"])
    return found


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read; returns how many."""
    unread = list(Notification.objects.select_for_update().filter(recipient=user, read_at=None))
    now = timezone.now()
    for found in unread:
        found.read_at = now
    if unread:
        bulk_update_with_history(unread, Notification, ["read_at"], default_user=user)
    return len(unread)


# --- reading --------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def _in_language(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        for wanted in (language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
            if value.get(wanted):
                return value[wanted]
        return next(iter(value.values()), "")
    return value


def notification_text(notification: Notification) -> str:
    """The sentence in the active language, its translated parameters in that language too."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    params = {k: _in_language(v, language) for k, v in notification.params.items()}
    text = _KINDS.get(notification.kind)
    if text is None:  # an app that registered it was removed: still say something true
        return notification.kind
    try:
        return str(text % params)
    except (KeyError, TypeError, ValueError):
        return str(text)


def notification_link(notification: Notification) -> str:
    """The stored path in the active language (as stored when it no longer resolves)."""
    if not notification.link:
        return ""
    parts = urlsplit(notification.link)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            match = resolve(parts.path)
    except Resolver404:
        return notification.link
    path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    return urlunsplit(("", "", path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Shown:
    """A notification as a page shows it."""

    notification: Notification
    text: str
    link: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def shown(notifications: Iterable[Notification]) -> list[Shown]:
    return [Shown(n, notification_text(n), notification_link(n)) for n in notifications]
