"""My Metroscope: what waits for a person, composed from each app's selectors (reads only).

An officer sees her members' Observatory values by status (returned ones with the reviewer's
comment), her requests and the surveys to answer, her members' needs and introductions, the
solutions sent back to her, her registrations and certificates, and the upcoming events. The
Secretariat sees its queues, each with its count and the age of its oldest item. A person
who is both sees both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metroscope.core import jobs, notifications
from metroscope.core.queues import Queue
from metroscope.core.roles import is_secretariat
from metroscope.events import selectors as events
from metroscope.exchange import access as exchange_access
from metroscope.exchange import selectors as exchange
from metroscope.listening import access as listening_access
from metroscope.listening import selectors as listening
from metroscope.observatory import selectors as observatory

SHOWN = 10  # items per list; each list links to its full page


@dataclass(frozen=True)
class StaffQueue:
    name: str | Promise
    queue: Queue
    url: str


@dataclass
class OfficerSpace:
    members: list[Any]
    values: observatory.OfficerValues
    requests: list[Any]
    surveys: list[Any]
    needs: list[Any]
    introductions: list[Any]
    sent_back: list[Any]


@dataclass
class Workspace:
    staff: list[StaffQueue] | None
    officer: OfficerSpace | None
    unread: list[notifications.Shown]
    unread_count: int
    registrations: list[Any]
    upcoming: list[Any]


def staff_queues() -> list[StaffQueue]:
    return [
        StaffQueue(
            _("Observatory values to review"),
            observatory.review_queue(),
            reverse("observatory:review") + "#new",
        ),
        StaffQueue(
            _("Changes proposed to published values"),
            observatory.proposal_queue(),
            reverse("observatory:review") + "#proposed",
        ),
        StaffQueue(
            _("Solutions to review"),
            exchange.solution_queue(),
            reverse("exchange:review") + "?status=submitted",
        ),
        StaffQueue(
            _("Requests to answer"),
            listening.request_queue(),
            reverse("listening:requests") + "?status=open",
        ),
        StaffQueue(
            _("People on the waiting lists of upcoming events"),
            events.waiting_list_queue(),
            reverse("events:events") + "?when=upcoming",
        ),
        StaffQueue(
            _("Jobs that failed (reports, downloads, e-mails)"),
            jobs.failed_queue(),
            reverse("jobs") + "?state=failed",
        ),
    ]


def officer_space(user: Any) -> OfficerSpace | None:
    members = listening_access.members_for(user)
    if not members.exists():
        return None
    return OfficerSpace(
        members=list(members),
        values=observatory.officer_values(user),
        requests=list(listening_access.visible_requests(user)[:SHOWN]),
        surveys=listening.surveys_to_answer(members),
        needs=list(exchange.member_needs(members)[:SHOWN]),
        introductions=list(exchange_access.visible_introductions(user)[:SHOWN]),
        sent_back=list(exchange.solutions_sent_back(user)[:SHOWN]),
    )


def workspace_for(user: Any) -> Workspace:
    unread = notifications.notifications_for(user).filter(read_at=None)
    return Workspace(
        staff=staff_queues() if is_secretariat(user) else None,
        officer=officer_space(user),
        unread=notifications.shown(unread[:5]),
        unread_count=unread.count(),
        registrations=list(events.own_registrations(user=user)[:SHOWN]),
        upcoming=events.upcoming_events(limit=5),
    )
