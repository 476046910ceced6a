"""Members' needs and introduction requests: recording them, and who hears of it (who may
record what is in access.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metroscope.core.notifications import link_to, notification_send, register_kind
from metroscope.core.roles import SECRETARIAT
from metroscope.exchange.access import can_act_for_member
from metroscope.exchange.models import IntroductionRequest, Need, Solution
from metroscope.members.models import Member
from metroscope.observatory.models import Indicator
from metroscope.plan.models import Challenge, Theme


class NeedRefused(PermissionError):
    """The user may not act for this member."""


@dataclass
class NeedInput:
    member: Member
    title: str
    description: str = ""
    themes: list[Theme] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@transaction.atomic
def need_save(*, user: Any, data: NeedInput, need: Need | None = None) -> Need:
    """Record a new need for `data.member`, or replace `need` with `data`."""
    if not can_act_for_member(user, data.member) or (
        need is not None and not can_act_for_member(user, need.member)
    ):
        raise NeedRefused(_("You may record needs only for the members you are an officer of."))
    if need is None:
        need = Need(created_by=user)
    need.member = data.member
    need.title = data.title.strip()
    need.description = data.description.strip()
    need.save()
    need.themes.set(data.themes)
    need.challenges.set(data.challenges)
    need.indicators.set(data.indicators)
    return need


INTRODUCTION = "exchange.introduction"


def register() -> None:
    register_kind(
        INTRODUCTION,
        gettext_lazy("%(member)s asks for an introduction about the solution “%(title)s”."),
    )


def _officers(members: list[Member]) -> Any:
    return (
        get_user_model()
        .objects.filter(officer_assignments__member__in=members, is_active=True)
        .distinct()
    )


def _staff() -> Any:
    return get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True).distinct()


def _officer_emails(members: list[Member]) -> list[str]:
    return sorted(set(_officers(members).exclude(email="").values_list("email", flat=True)))


def _staff_emails() -> list[str]:
    return sorted(set(_staff().exclude(email="").values_list("email", flat=True)))


@transaction.atomic
def introduction_request(
    *, user: Any, from_member: Member, solution: Solution, message: str, need: Need | None = None
) -> list[IntroductionRequest]:
    """One request per member behind the solution; each reaches the Secretariat and that
    member's officers by e-mail, and stays on record (with its history)."""
    if not can_act_for_member(user, from_member):
        raise NeedRefused(_("You may ask for introductions only for your own member."))
    if not message.strip():
        raise ValueError(_("Say what you would like to learn from them."))
    if need is not None and need.member_id != from_member.pk:
        # Another member's need, however visible, is not the requester's to cite.
        raise ValueError(
            _("The need you cite must be one of %(member)s's own needs.")
            % {"member": from_member.name}
        )
    targets = [m for m in solution.members.all() if m.pk != from_member.pk]
    if not targets:
        raise ValueError(_("No other member is recorded behind this solution."))
    made = [
        IntroductionRequest.objects.create(
            need=need,
            solution=solution,
            from_member=from_member,
            to_member=target,
            message=message.strip(),
            requested_by=user,
        )
        for target in targets
    ]
    notification_send(
        recipients=[*_officers(targets), *_staff()],
        kind=INTRODUCTION,
        params={"member": from_member.name, "title": solution.title},
        link=link_to("exchange:introductions"),
    )
    recipients = sorted(set(_officer_emails(targets)) | set(_staff_emails()))
    if recipients:
        subject = _("Metroscope: %(member)s asks for an introduction about “%(title)s”") % {
            "member": from_member.name,
            "title": solution.title,
        }
        body = _(
            "%(member)s would like to learn from %(others)s about the solution “%(title)s”."
            "\n\nTheir message:\n%(message)s\n\nThe Secretariat will follow up."
        ) % {
            "member": from_member.name,
            "others": ", ".join(t.name for t in targets),
            "title": solution.title,
            "message": message.strip(),
        }
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        )
    return made
