"""An illustrative edition made by the tests (never a real one): an open call, then a jury."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from metroscope.awards.models import Criterion, Edition, Juror, Submission
from metroscope.members.models import Member
from tests.conftest import BARCELONA, SEOUL, make_user


def make_edition(year: int = 2031, status: str = "open") -> Edition:
    today = timezone.localdate()
    edition = Edition.objects.create(
        year=year,
        status=status,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
    )
    for order, (name, weight) in enumerate(
        [("Innovation", 40), ("Impact", 35), ("Transferability", 25)]
    ):
        Criterion.objects.create(edition=edition, name=name, weight=weight, order=order)
    return edition


def make_submissions(edition: Edition, author, prefix: str = "Initiative of") -> dict:
    """Barcelona's and Seoul's submissions to `edition` (illustrative)."""
    return {
        code: Submission.objects.create(
            edition=edition,
            member=Member.objects.get(code=code),
            submitted_by=author,
            title=f"{prefix} {code}",
            description="What was done.",
            impact="What changed.",
        )
        for code in (BARCELONA, SEOUL)
    }


@pytest.fixture
def judging(db):
    """An edition being judged: two submissions (Barcelona, Seoul) and two jurors; juror_a
    declared a conflict on Seoul's."""
    from metroscope.awards import services

    edition = make_edition(status="judging")
    author = make_user("author_x", ("officer", BARCELONA), ("officer", SEOUL))
    subs = make_submissions(edition, author)
    juror_a, juror_b = make_user("juror_a"), make_user("juror_b")
    for user in (juror_a, juror_b):
        Juror.objects.create(edition=edition, user=user)
    services.conflict_declare(user=juror_a, submission=subs[SEOUL], reason="I advised Seoul.")
    return {"edition": edition, "subs": subs, "juror_a": juror_a, "juror_b": juror_b}
