"""What the people who entered values hear of their review: a value published, or returned
with the Secretariat's comment, or a change they proposed to a published value returned so.
Each person gets one in-app notification and one e-mail per review action, however many of
their values it touched, each in that person's language; the e-mail is sent once the review's
transaction commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from metroscope.core.links import absolute_url
from metroscope.core.notifications import link_to, notification_send, register_kind
from metroscope.members.selectors import user_language
from metroscope.observatory.models import Observation, ProposedValue

RETURNED = "observatory.returned"
PUBLISHED = "observatory.published"
CHANGE_RETURNED = "observatory.change_returned"
SHOWN = 3  # values named in a notification; the count says how many more

TEXTS = {
    RETURNED: ngettext_lazy(
        "The Secretariat returned your value %(values)s for correction: “%(comment)s”",
        "The Secretariat returned %(count)s of your values (%(values)s) for correction: "
        "“%(comment)s”",
        "count",
    ),
    CHANGE_RETURNED: ngettext_lazy(
        "The Secretariat returned your change to the published value %(values)s for "
        "correction: “%(comment)s”",
        "The Secretariat returned %(count)s of your changes to published values (%(values)s) "
        "for correction: “%(comment)s”",
        "count",
    ),
    PUBLISHED: ngettext_lazy(
        "The Secretariat published your value %(values)s.",
        "The Secretariat published %(count)s of your values: %(values)s.",
        "count",
    ),
}
MORE = gettext_lazy("%(values)s and %(more)s more")


def register() -> None:
    for kind, text in TEXTS.items():
        register_kind(kind, text)


def _named(values: list[Observation], language: str) -> str:
    """'Barcelona, Annual mean PM2.5 concentration, 2024; …' in that language."""
    with translation.override(language):
        names = [
            f"{o.metro.name}, {getattr(o.indicator, f'name_{language}', '') or o.indicator.name}, "
            f"{o.year}"
            for o in values[:SHOWN]
        ]
        text = "; ".join(names)
        if len(values) > SHOWN:
            text = str(MORE) % {"values": text, "more": len(values) - SHOWN}
    return text


def by_author(values: Iterable[Observation], reviewer: Any) -> dict[Any, list[Observation]]:
    """The values each person entered (the reviewer's own and the open data's left out)."""
    found: dict[Any, list[Observation]] = defaultdict(list)
    for obs in values:
        author = obs.updated_by
        if author is not None and author.pk != reviewer.pk:
            found[author].append(obs)
    return found


def proposals_by_author(
    proposals: Iterable[ProposedValue], reviewer: Any
) -> dict[Any, list[Observation]]:
    """The published values each person proposed a change to (the reviewer's own left out)."""
    found: dict[Any, list[Observation]] = defaultdict(list)
    for proposal in proposals:
        author = proposal.proposed_by
        if author is not None and author.pk != reviewer.pk:
            found[author].append(proposal.observation)
    return found


def notify_reviewed(kind: str, authors: dict[Any, list[Observation]], comment: str = "") -> None:
    """In the app and by e-mail, to each author, about their values."""
    messages: list[EmailMessage] = []
    link = link_to("me") + ("#published" if kind == PUBLISHED else "#returned")
    for author, values in authors.items():
        params: dict[str, Any] = {
            "count": len(values),
            "values": {code: _named(values, code) for code, _name in settings.LANGUAGES},
            "comment": comment,
        }
        notification_send(recipients=[author], kind=kind, params=params, link=link)
        if author.email:
            messages.append(_email(kind, author, values, comment, link))
    if messages:
        transaction.on_commit(lambda: [m.send() for m in messages])


def _email(
    kind: str, author: Any, values: list[Observation], comment: str, link: str
) -> EmailMessage:
    language = user_language(author)
    fragment = link.partition("#")[2]
    with translation.override(language):
        context = {
            "values": values,
            "names": [_named([o], language) for o in values],
            "comment": comment,
            "link": absolute_url(f"{reverse('me')}#{fragment}"),
        }
        subject = render_to_string(f"observatory/email/{kind.split('.')[1]}_subject.txt", context)
        body = render_to_string(f"observatory/email/{kind.split('.')[1]}.txt", context)
    address = author.email
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address])
