"""The world the permission matrix is requested in: its seven personas and each member's own
objects, made by the test suite on top of the session's open data (every name says so).

Member A is Barcelona, member B is Seoul. Each private object of A carries MARKERS["a"] in a
title, a name or a note (its contact, draft, need, request, registration, submission, survey
answer, a participant's name, a change proposed to its metro's values), B's carry MARKERS["b"];
the coordinator's private group MARKERS["group"]; what only the Secretariat sees (an expense's
supplier, an unpublished value's note) MARKERS["staff"]; what only officer A sees (her private
peer group, her API token) MARKERS["owner"]; what the officers and the Secretariat see but
not the Board nor a user without a role (an expert's e-mail, the meeting link of an event both
officers registered for, B's introduction request to A) MARKERS["network"]; what the Board and
the Secretariat see (the name of an activity's responsible staff) MARKERS["board"]. The matrix fails
when a page or an API answer shows a marker to a persona outside its circle
(tests/core/permission_matrix.py, LEAKS)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.accountability.people.models import Participant
from metroscope.awards import services as award_services
from metroscope.awards.models import Edition
from metroscope.community import services as community_services
from metroscope.community.models import ExpertKind, GroupRole, GroupVisibility
from metroscope.community.services import expert_opt_in
from metroscope.core import tokens
from metroscope.core.models import Job, Notification
from metroscope.events import services as event_services
from metroscope.exchange import services as exchange_services
from metroscope.exchange.models import IntroductionRequest, Need, NeedStatus, SolutionStatus
from metroscope.listening import services as listening_services
from metroscope.listening.models import SurveyInvitation
from metroscope.members.models import Member
from metroscope.observatory import groups as peer_groups
from metroscope.observatory.models import Indicator, Metro, Observation, Source
from metroscope.observatory.services import ValueInput, observation_enter
from metroscope.plan.models import Theme
from tests.awards.conftest import make_edition
from tests.community.groups_fixtures import add, make_group
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.core.files import PDF, upload
from tests.events.conftest import make_contact, make_event
from tests.exchange.conftest import SEOUL_SLUG, make_solution
from tests.listening.conftest import good_answers, make_survey

# The personas, in the order of the matrix's columns.
PERSONAS = (
    "anonymous",
    "officer_a",  # an officer of member A (Barcelona)
    "officer_b",  # an officer of member B (Seoul)
    "coordinator",  # no role; coordinates a private group
    "board",
    "secretariat",
    "administrator",  # a superuser
)

# Strings that only some personas may ever be shown (checked in lower case).
MARKERS = {
    "a": "zq-private-of-a",
    "b": "zq-private-of-b",
    "group": "zq-private-group",
    "staff": "zq-staff-only",
    "owner": "zq-owner-only",
    "network": "zq-network-only",
    "board": "zq-board-and-staff",
}


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, Any]  # what the matrix's paths and bodies are filled with
    objects: dict[str, Any] = field(default_factory=dict)


def _private(who: str, text: str) -> str:
    return f"{text} {MARKERS[who]} (made by the test suite)"


def _member_objects(who: str, officer: Any, member: Member, event: Any) -> dict[str, Any]:
    """A member's own contact, draft solution and its file, a need that is not open (so only
    its member and the Secretariat see it), a request to the Secretariat, and a registration
    of its contact made by its officer."""
    contact = make_contact(
        member.code,
        given_name="Contact",
        family_name=MARKERS[who],
        email=f"{MARKERS[who]}@example.org",
    )
    draft = make_solution(
        slug=f"matrix-draft-{who}",
        title=_private(who, "Draft solution"),
        status=SolutionStatus.DRAFT,
        author=officer,
        contact_name=_private(who, "Contact"),
    )
    draft.members.add(member)
    attachment = exchange_services.attachment_add(
        user=officer, solution=draft, upload=upload("plan.pdf", PDF, "application/pdf")
    )
    need = Need.objects.create(
        member=member,
        title=_private(who, "Need"),
        status=NeedStatus.SOLVED,
        created_by=officer,
    )
    asked = listening_services.request_create(
        user=officer,
        member=member,
        subject=_private(who, "Request"),
        body="A request made by the test suite.",
        category="support",
        language="en",
    )
    registration = event_services.registration_create(
        user=officer, event=event, language="en", contact=contact
    )
    return {
        "contact": contact,
        "draft": draft,
        "attachment": attachment,
        "need": need,
        "request": asked,
        "registration": registration,
    }


def _value(observation: Any, value: float, note: str, year: int | None = None) -> ValueInput:
    return ValueInput(
        metro=observation.metro.code,
        indicator=observation.indicator.code,
        year=year or observation.year,
        value=value,
        sex=observation.sex,
        scale=observation.scale,
        source=observation.source.code,
        note=note,
    )


def build_world() -> World:
    users = {
        "anonymous": None,
        "officer_a": make_user("matrix_officer_a", ("officer", BARCELONA)),
        "officer_b": make_user("matrix_officer_b", ("officer", SEOUL)),
        "coordinator": make_user("matrix_coordinator"),
        "board": make_user("matrix_board", ("board", "")),
        "secretariat": make_user("matrix_secretariat", ("secretariat", "")),
        "administrator": make_user("matrix_administrator", ("administrator", "")),
    }
    staff = users["secretariat"]
    member_a, member_b = Member.objects.get(code=BARCELONA), Member.objects.get(code=SEOUL)
    event = make_event(capacity=20, title="Matrix training (made by the test suite)")
    other_event = make_event(capacity=20, title="Matrix second training (made by the test suite)")
    # Only those with a confirmed place (both officers register a contact) and the staff.
    event.sessions.update(online_url=f"https://meet.example.org/{MARKERS['network']}")
    own = {
        "a": _member_objects("a", users["officer_a"], member_a, event),
        "b": _member_objects("b", users["officer_b"], member_b, event),
    }
    # B's officer asks A for an introduction to its solution, as the need page does.
    introduction = IntroductionRequest.objects.create(
        from_member=member_b,
        to_member=member_a,
        solution=make_solution(slug="matrix-published", title="Matrix published solution"),
        message=_private("network", "An introduction asked"),
        requested_by=users["officer_b"],
    )

    # The coordinator's private group, with a member to remove, a file and a meeting.
    group = make_group(
        staff,
        visibility=GroupVisibility.PRIVATE,
        name_en=_private("group", "Private working group"),
    )
    add(staff, group, users["coordinator"], GroupRole.COORDINATOR)
    add(staff, group, make_user("matrix_group_member"))
    membership = group.memberships.get(user__username="matrix_group_member")
    document = community_services.document_add(
        actor=users["coordinator"], group=group, upload=upload("minutes.pdf", PDF)
    )
    meeting = community_services.meeting_add(actor=staff, group=group, event=event)
    community_services.post_create(
        actor=users["coordinator"], group=group, body=_private("group", "A message")
    )

    # Surveys: one open to members (A answered, B not yet), one per contact with A's
    # contact's invitation.
    survey = make_survey(title_en="Matrix survey (made by the test suite)")
    raw = good_answers(survey)
    text_question = survey.questions.get(kind="text").pk
    raw[text_question] = _private("a", "A free answer")
    answered = listening_services.survey_answer(
        user=users["officer_a"], survey=survey, member=member_a, raw=raw, language="en"
    )
    text_answer = answered.answers.get(question__kind="text")
    per_contact = make_survey(title_en="Matrix per-contact survey (made by the test suite)")
    per_contact.audience = "contact"
    per_contact.save()
    invitation = SurveyInvitation.objects.create(
        survey=per_contact,
        member=member_a,
        contact=own["a"]["contact"],
        email=own["a"]["contact"].email,
        language="en",
        token="matrix-invitation-token-made-by-the-test-suite",
    )
    # Its results published: the aggregates are public, A's free text is not.
    published = survey
    listening_services.survey_publish(user=staff, survey=survey)

    # The award: an edition open for submissions, with A's and B's submissions and files.
    edition: Edition = make_edition(year=2031)
    submissions = {
        who: award_services.submission_create(
            user=users[f"officer_{who}"],
            edition=edition,
            member=member,
            data={
                "title": _private(who, "Initiative"),
                "description": "What was done.",
                "impact": "What changed.",
            },
            documents=[upload("evidence.pdf", PDF, "application/pdf")],
        )
        for who, member in (("a", member_a), ("b", member_b))
    }

    # Officer A's private peer group; a value of the Observatory; A's API token.
    peer_group = peer_groups.peer_group_save(
        user=users["officer_a"],
        data=peer_groups.GroupInput(
            name=f"Peer group {MARKERS['owner']}", metros="barcelona\nseoul"
        ),
    )
    observation = Observation.objects.filter(metro__code="barcelona").order_by("pk").first()
    token, _plain = tokens.issue(users["officer_a"], f"Token {MARKERS['owner']}")
    notification = Notification.objects.filter(recipient=users["officer_a"]).first()
    assert notification is not None, "the registration of A's contact notifies officer A"

    # Values: a change A's officer proposes to a published value of Barcelona (for A's officers
    # and the Secretariat), and a provisional value the Secretariat entered (for it alone).
    published_value = (
        Observation.objects.filter(metro__code="barcelona", status="published")
        .select_related("indicator", "source")
        .order_by("pk")
        .first()
    )
    assert published_value is not None
    proposed = observation_enter(
        user=users["officer_a"],
        values=[_value(published_value, published_value.value + 1, _private("a", "Why"))],
    )
    assert proposed.proposed == 1
    observation_enter(
        user=staff,
        values=[_value(published_value, 1.0, _private("staff", "Unpublished"), year=2099)],
    )
    expert_opt_in(
        name="Expert (made by the test suite)",
        kind=ExpertKind.PARTNER,
        consent=True,
        languages=["en"],
        email=f"{MARKERS['network']}@example.org",
    )

    # An activity of the plan with one row of each kind of its accounts.
    activity = Activity.objects.order_by("pk").first()
    assert activity is not None
    responsible = make_user("matrix_responsible")
    responsible.last_name = MARKERS["board"]
    responsible.save(update_fields=["last_name"])
    activity.responsible_staff = responsible
    activity.save(update_fields=["responsible_staff"])
    year = activity.start_date.year if activity.start_date else 2023
    budget = BudgetLine.objects.create(
        activity=activity, year=year, category="venue", amount_eur=Decimal("1000")
    )
    expense = Expense.objects.create(
        activity=activity,
        date=dt.date(year, 3, 1),
        amount=Decimal("100"),
        currency="EUR",
        rate_to_eur=Decimal("1"),
        amount_eur=Decimal("100"),
        category="venue",
        supplier=f"Supplier {MARKERS['staff']}",
    )
    Participant.objects.create(
        activity=Activity.objects.order_by("pk")[1],  # one with no participant counts
        name=_private("a", "Participant"),
        gender="female",
        role_category="technical",
        member=member_a,
    )
    trip = Trip.objects.create(
        activity=activity,
        origin="Barcelona",
        origin_latitude=41.39,
        origin_longitude=2.17,
        destination="Seoul",
        destination_latitude=37.57,
        destination_longitude=126.98,
        mode="air",
        cabin_class="economy",
    )

    # A's officer's job that failed (a report, a download…): hers and the Secretariat's.
    job = Job.objects.create(
        task="tests.core.test_jobs.fails_once",
        title=_private("a", "Job"),
        started_by=users["officer_a"],
        state=Job.State.FAILED,
        error="RuntimeError: the disk was full",
    )

    # A's officer's import, checked and waiting for her to confirm it: hers and the Secretariat's.
    staged = default_storage.save(
        "imports/staged/matrix.csv",
        ContentFile(b"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2031,9,S\n"),
    )
    import_name = _private("a", "import") + ".csv"
    import_job = Job.objects.create(
        task="metroscope.observatory.import_jobs.import_preview",
        title="Checking %(name)s before its import",
        started_by=users["officer_a"],
        state=Job.State.DONE,
        params={
            "staged": staged,
            "name": import_name,
            "staged_by": users["officer_a"].pk,
            "status": "provisional",
            "source": None,
            "scoped": True,
            "max_bytes": None,
            "title_args": {"name": import_name},
        },
        result={"outcome": "checked", "rows": 1, "created": 1, "updated": 0, "unchanged": 0,
                "proposed": 0, "flagged": 0, "checks": [], "file_format": "tidy",
                "encoding": "utf-8", "same_file_as": None, "shortcut": False, "batch": None},
    )  # fmt: skip

    reset_user = membership.user  # never signed in, so the reset link stays valid
    values = {
        "member_a": member_a.code,
        "member_b": member_b.code,
        "contact_a": own["a"]["contact"].pk,
        "activity": activity.pk,
        "year": activity.work_plan.year,
        "budget": budget.pk,
        "expense": expense.pk,
        "trip": trip.pk,
        "indicator": Indicator.objects.order_by("code").values_list("code", flat=True)[0],
        "metro_a": "barcelona",
        "metro_b": "seoul",
        "observation": observation.pk if observation else 0,
        "peer_group": peer_group.uid,
        "published_solution": SEOUL_SLUG,
        "draft_a": own["a"]["draft"].slug,
        "attachment_a": own["a"]["attachment"].pk,
        "need_a": own["a"]["need"].pk,
        "request_a": own["a"]["request"].pk,
        "survey": survey.pk,
        "text_answer": text_answer.pk,
        "per_contact_survey": per_contact.pk,
        "invitation": invitation.token,
        "published_survey": published.pk,
        "event": event.pk,
        "other_event": other_event.pk,
        "registration_a": own["a"]["registration"].pk,
        "group": group.pk,
        "group_document": document.pk,
        "membership": membership.pk,
        "meeting": meeting.pk,
        "edition": edition.year,
        "submission_a": submissions["a"].pk,
        "award_document_a": submissions["a"].documents.get().pk,
        "notification_a": notification.pk,
        "job_a": job.pk,
        "import_a": import_job.pk,
        "token_a": token.pk,
        "member_a_pk": member_a.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(reset_user.pk)),
        "reset_token": default_token_generator.make_token(reset_user),
        "activity_year": year,
        "today": timezone.localdate().isoformat(),
        "metro_a_id": Metro.objects.get(code="barcelona").pk,
        "theme": Theme.objects.get(code="T-SUS").pk,
        "source": Source.objects.order_by("code").values_list("code", flat=True)[0],
        "survey_answers": {str(k): v for k, v in good_answers(survey).items()},
        "award_scores": {str(c.pk): 3 for c in edition.criteria.all()},
    }
    # The objects a refused write could change in place: the matrix compares them before and
    # after (inserts and deletes anywhere show in the tables' largest keys).
    watched = [
        *(obj for mine in own.values() for obj in mine.values()),
        *(user for user in users.values() if user is not None),
        member_a,
        member_b,
        group,
        membership,
        document,
        meeting,
        introduction,
        survey,
        answered,
        text_answer,
        per_contact,
        invitation,
        published,
        edition,
        *submissions.values(),
        peer_group,
        observation,
        token,
        notification,
        activity,
        budget,
        expense,
        trip,
        event,
        other_event,
    ]
    objects = {
        "watched": [obj for obj in watched if obj is not None],
        "own": own,
        "group": group,
        "introduction": introduction,
        "survey": survey,
        "per_contact": per_contact,
        "edition": edition,
        "submissions": submissions,
        "event": event,
        "other_event": other_event,
    }
    return World(users=users, values=values, objects=objects)
