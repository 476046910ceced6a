"""Per-contact surveys: the audience, invitations and reminders (logged, never doubled, in
each recipient's language), answers through the link, rates by role and language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from metroscope.listening import invitations, selectors, services
from metroscope.listening.models import SendingKind, SurveyInvitation, SurveySending
from metroscope.members.models import Contact, Member, Region
from tests.conftest import client_for
from tests.listening.conftest import good_answers, make_survey

pytestmark = pytest.mark.django_db


def contact(code: str, email: str, role: str, language: str, gender: str = "not_stated"):
    return Contact.objects.create(
        member=Member.objects.get(code=code),
        given_name=email.split("@")[0],
        family_name="Test",
        role_category=role,
        gender=gender,
        email=email,
        language=language,
    )


@pytest.fixture
def per_contact():
    survey = make_survey()
    survey.audience = "contact"
    survey.save()
    contact("barcelona-city", "ana@example.org", "technical", "es", "female")
    contact("barcelona-city", "jo@example.org", "manager", "en", "male")
    contact("seoul", "min@example.org", "technical", "fr")
    contact("seoul", "noemail@example.org", "technical", "en").__class__.objects.filter(
        email="noemail@example.org"
    ).update(email="")
    return survey


def test_invitations_go_once_each_in_the_recipients_language(per_contact):
    report = invitations.survey_send(survey=per_contact)
    assert (report.sent, report.skipped) == (3, 0)  # the contact without e-mail is left out
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Prioridades de la red" in by_address["ana@example.org"].subject
    assert "Priorités du réseau" in by_address["min@example.org"].subject
    assert "Priorities of the network" in by_address["jo@example.org"].subject
    assert "/es/listening/surveys/" in by_address["ana@example.org"].body
    assert "/fr/listening/surveys/" in by_address["min@example.org"].body
    again = invitations.survey_send(survey=per_contact)
    assert (again.sent, again.skipped) == (0, 3)
    assert len(mail.outbox) == 3
    assert SurveySending.objects.filter(kind=SendingKind.INVITATION).count() == 3


def test_reminders_reach_only_those_who_have_not_answered(per_contact):
    call_command("survey_invite", str(per_contact.pk), verbosity=0)
    ana = SurveyInvitation.objects.get(email="ana@example.org")
    page = client_for(None).get(f"/es/listening/surveys/{per_contact.pk}/invited/{ana.token}/")
    assert page.status_code == 200
    services.survey_answer_invited(invitation=ana, raw=good_answers(per_contact), language="es")
    mail.outbox.clear()
    call_command("survey_invite", str(per_contact.pk), "--remind", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == ["jo@example.org", "min@example.org"]
    assert "Recordatorio" not in mail.outbox[0].subject  # jo and min write in en and fr
    # A second reminder run within the gap reminds no one.
    mail.outbox.clear()
    call_command("survey_invite", str(per_contact.pk), "--remind", verbosity=0)
    assert mail.outbox == []
    with pytest.raises(services.AlreadyAnswered):
        services.survey_answer_invited(invitation=ana, raw=good_answers(per_contact), language="es")


def test_reminder_is_rendered_in_spanish():
    survey = make_survey()
    invitation = SurveyInvitation(
        survey=survey,
        member=Member.objects.get(code="seoul"),
        email="x@example.org",
        language="es",
        token="t",
    )
    message = invitations.render(invitation, SendingKind.REMINDER)
    assert message.subject.startswith("Recordatorio")


def test_audience_filters_by_role_region_and_language(per_contact):
    per_contact.audience_roles = ["technical"]
    per_contact.audience_languages = ["es", "fr"]
    per_contact.save()
    assert invitations.survey_send(survey=per_contact).sent == 2
    per_contact.audience_regions.set(Region.objects.filter(countries__iso3="ESP"))
    assert {c.email for c in selectors.audience.audience_contacts(per_contact)} == {
        "ana@example.org"
    }


def test_response_rates_by_role_and_language_hand_checked(per_contact):
    translation.activate("en")  # labels are compared in English
    invitations.survey_send(survey=per_contact)
    ana = SurveyInvitation.objects.get(email="ana@example.org")
    services.survey_answer_invited(invitation=ana, raw=good_answers(per_contact), language="es")
    by_role = {
        r.group: (r.members, r.responded) for r in selectors.response_rates(per_contact, "role")
    }
    # technical: ana (answered) and min; manager: jo
    assert by_role["Technical officer"] == (2, 1)
    assert by_role["City manager or senior manager"] == (1, 0)
    assert by_role[""] == (3, 1)
    by_language = {
        r.group: (r.members, r.responded) for r in selectors.response_rates(per_contact, "language")
    }
    assert by_language["Spanish"] == (1, 1)
    assert by_language["French"] == (1, 0)
    assert by_language["English"] == (1, 0)
    by_gender = {
        (c["option"], c["group"]): c["count"]
        for r in selectors.survey_results(per_contact, "gender")
        for c in r.counts
        if r.question.kind == "scale"
    }
    assert by_gender == {("4", "Female"): 1}


def test_a_per_member_survey_has_no_role_or_language_rate(survey):
    assert selectors.response_rates(survey, "role") is None


def test_staff_button_sends_and_others_may_not(per_contact, staff, officer_barcelona):
    url = f"/listening/surveys/{per_contact.pk}/send/"
    assert client_for(officer_barcelona).post(url, {"kind": "invitation"}).status_code == 403
    assert mail.outbox == []
    assert client_for(staff).post(url, {"kind": "invitation"}).status_code == 302
    assert SurveySending.objects.get(invitation__email="jo@example.org").sent_by == staff


def test_a_bad_token_opens_nothing(per_contact):
    assert (
        client_for(None).get(f"/listening/surveys/{per_contact.pk}/invited/nope/").status_code
        == 404
    )


def test_invitation_links_start_with_the_site_url(per_contact, settings):
    settings.METROSCOPE_SITE_URL = "https://metroscope.example.org/"
    invitations.survey_send(survey=per_contact)
    ana = SurveyInvitation.objects.get(email="ana@example.org")
    body = next(m.body for m in mail.outbox if m.to == ["ana@example.org"])
    link = f"https://metroscope.example.org/es/listening/surveys/{per_contact.pk}/invited/"
    assert f"{link}{ana.token}/" in body


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_invitation_and_reminder_subjects_are_plain_text(per_contact, language):
    """A survey title with an apostrophe or an ampersand reaches the inbox as written."""
    for code in ("en", "fr", "es"):
        setattr(per_contact, f"title_{code}", f"L'avenir & nous ({code})")
    per_contact.save()
    invitation = SurveyInvitation.objects.create(
        survey=per_contact,
        member=Member.objects.get(code="barcelona-city"),
        contact=Contact.objects.get(email="ana@example.org"),
        email="ana@example.org",
        language=language,
        token=f"t-{language}",
    )
    for kind in ("invitation", "reminder"):
        message = invitations.render(invitation, kind)
        assert f"L'avenir & nous ({language})" in message.subject, message.subject
        assert "&#x27;" not in message.subject + message.body
        assert "&amp;" not in message.subject + message.body
