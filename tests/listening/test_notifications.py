"""The request desk and member surveys notify in the app beside each e-mail: staff of a new
request, the asker of an answer, an officer of an invitation and a reminder."""

from __future__ import annotations

import pytest
from django.utils import translation

from metroscope.core.models import Notification
from metroscope.core.notifications import notification_link, notification_text
from metroscope.listening import invitations, services
from metroscope.listening.models import Audience
from metroscope.members.models import Member
from tests.listening.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_a_request_notifies_staff_and_its_answer_notifies_the_asker(officer_barcelona, staff):
    made = services.request_create(
        user=officer_barcelona,
        member=Member.objects.get(code="barcelona-city"),
        subject="Help with the import",
        body="Our CSV is refused.",
        category="data",
        language="es",
    )
    (to_staff,) = Notification.objects.filter(kind="listening.new_request")
    assert to_staff.recipient == staff
    assert to_staff.link == f"/listening/requests/{made.pk}/"
    assert not Notification.objects.filter(recipient=officer_barcelona).exists()

    services.request_reply(user=staff, request=made, body="Use the tidy format.")
    (answered,) = Notification.objects.filter(recipient=officer_barcelona)
    with translation.override("es"):
        assert "Help with the import" in notification_text(answered)
        assert notification_link(answered) == f"/es/listening/requests/{made.pk}/"
    # the officer's follow-up e-mails nobody, so it notifies nobody either
    services.request_reply(user=officer_barcelona, request=made, body="Thanks!")
    assert Notification.objects.count() == 2


def test_a_member_survey_invites_and_reminds_its_officers_in_the_app(officer_barcelona):
    officer_barcelona.email = "officer@barcelona.example"
    officer_barcelona.save()
    survey = make_survey()  # per member: its officers answer in Metroscope
    assert survey.audience == Audience.MEMBER
    invitations.survey_send(survey=survey)
    (invited,) = Notification.objects.filter(recipient=officer_barcelona)
    assert invited.kind == "listening.survey_invitation"
    with translation.override("fr"):
        assert "Priorités du réseau" in notification_text(invited)
    assert invited.link == f"/listening/surveys/{survey.pk}/"
    invitations.survey_send(survey=survey, remind=True)
    kinds = sorted(
        Notification.objects.filter(recipient=officer_barcelona).values_list("kind", flat=True)
    )
    assert kinds == ["listening.survey_invitation", "listening.survey_reminder"]
