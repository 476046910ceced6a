"""A change proposed to a published value returned with a comment: the published value stays;
the proposal stays on record, decided "returned", with who, when and the comment; whoever
proposed it hears of it in the app and by e-mail, sees it in My Metroscope and on the entry
form, corrects it and proposes it again (a new pending proposal, back in the queue); the
Secretariat then approves it. The review page and the API return changes the same way."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from metroscope.core import notifications
from metroscope.core.models import Notification
from metroscope.observatory import selectors, services
from metroscope.observatory.models import (
    BatchKind,
    Decision,
    ImportBatch,
    Observation,
    ProposedValue,
    Status,
)
from tests.conftest import client_for
from tests.observatory.test_proposed_changes import api_post

pytestmark = pytest.mark.django_db

PM25 = "pm25_annual_mean"
SOURCE = "Seoul Metropolitan Government, Air Quality Report 2019"
COMMENT = "131.4 is the hourly peak, not the annual mean: the report gives 24.8 for 2019."


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as its own transaction would: e-mails go out when it commits."""

    def committed(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return committed


def seoul_2019() -> Observation:
    return Observation.objects.get(metro__code="seoul", indicator__code=PM25, year=2019)


def propose(officer, value: float) -> ProposedValue:
    result = services.observation_enter(
        user=officer,
        values=[
            services.ValueInput(
                metro="seoul",
                indicator=PM25,
                year=2019,
                value=value,
                scale="core_city",
                source=SOURCE,
            )
        ],
    )
    assert result.proposed == 1
    return ProposedValue.objects.get(observation=seoul_2019(), decision=Decision.PENDING)


def test_a_returned_change_is_corrected_proposed_again_and_approved(staff, officer_seoul, commit):
    officer_seoul.email = "officer@seoul.example"
    officer_seoul.save()
    published = seoul_2019()
    assert (published.value, published.status) == (25.0, Status.PUBLISHED)
    first = propose(officer_seoul, 131.4)

    assert (
        commit(services.proposal_return, user=staff, proposal_ids=[first.pk], comment=COMMENT) == 1
    )
    # the published value is untouched; the proposal is on record with who, when and why
    after = seoul_2019()
    assert (after.value, after.status, after.batch_id) == (
        25.0,
        Status.PUBLISHED,
        published.batch_id,
    )
    first.refresh_from_db()
    assert (first.decision, first.decided_by) == (Decision.RETURNED, staff)
    assert first.decided_at is not None
    assert first.decided_batch is not None
    assert (first.decided_batch.kind, first.decided_batch.status) == (
        BatchKind.REVIEW,
        Status.RETURNED,
    )
    assert first.decided_batch.note == COMMENT
    assert first not in selectors.pending_proposals()
    # in the app and by e-mail, with the comment, in the officer's language
    (note,) = Notification.objects.filter(recipient=officer_seoul)
    assert (note.kind, note.link) == ("observatory.change_returned", "/me/#returned")
    with translation.override("en"):
        text = notifications.notification_text(note)
    assert "returned your change to the published value Seoul" in text
    assert "hourly peak" in text
    with translation.override("fr"):
        assert "a renvoyé votre modification" in notifications.notification_text(note)
    (sent,) = mail.outbox
    assert sent.to == ["officer@seoul.example"]
    assert "returned for correction" in sent.subject
    assert "hourly peak" in sent.body
    assert "/me/#returned" in sent.body
    # she sees it in My Metroscope with the comment, and the form starts from her change
    assert [p.pk for p in selectors.officer_values(officer_seoul).returned_proposals] == [first.pk]
    me = client_for(officer_seoul).get("/me/").content.decode()
    assert "hourly peak" in me
    assert "Correct and propose again" in me
    form = client_for(officer_seoul).get(
        f"/observatory/enter/?metro=seoul&indicator={PM25}&year=2019&sex=total"
    )
    page = form.content.decode()
    assert "Change returned to you for correction" in page
    assert "hourly peak" in page
    assert 'value="131.4"' in page

    # corrected and proposed again: a new pending proposal; the returned one stays on record
    second = propose(officer_seoul, 24.8)
    assert second.pk != first.pk
    assert selectors.officer_values(officer_seoul).returned_proposals == []
    assert second in selectors.pending_proposals()
    first.refresh_from_db()
    assert first.decision == Decision.RETURNED
    assert services.proposal_decide(user=staff, proposal_ids=[second.pk], approve=True) == 1
    assert seoul_2019().value == 24.8
    history = client_for(staff).get(f"/observatory/values/{published.pk}/history/")
    assert "Returned for correction" in history.content.decode()
    assert "hourly peak" in history.content.decode()


def test_return_needs_a_comment_and_the_secretariat_and_changes_nothing_otherwise(
    staff, officer_seoul, board_member
):
    proposal = propose(officer_seoul, 131.4)
    batches = ImportBatch.objects.count()
    for comment in ("", "   "):
        with pytest.raises(ValueError, match="comment"):
            services.proposal_return(user=staff, proposal_ids=[proposal.pk], comment=comment)
    with pytest.raises(ValueError, match="under 2000"):
        services.proposal_return(user=staff, proposal_ids=[proposal.pk], comment="x" * 2001)
    for user in (officer_seoul, board_member):
        with pytest.raises(PermissionDenied):
            services.proposal_return(user=user, proposal_ids=[proposal.pk], comment="Check")
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING
    assert ImportBatch.objects.count() == batches
    assert not Notification.objects.exists()
    # a change already decided is not returned
    services.proposal_decide(user=staff, proposal_ids=[proposal.pk], approve=False)
    with pytest.raises(ValueError, match="waiting for review"):
        services.proposal_return(user=staff, proposal_ids=[proposal.pk], comment="Check")


def test_the_review_page_returns_a_change_and_keeps_the_form_without_a_comment(
    staff, officer_seoul
):
    proposal = propose(officer_seoul, 131.4)
    client = client_for(staff)
    refused = client.post(
        "/observatory/review/",
        {"proposals": [proposal.pk], "proposal_action": "return", "proposal_comment": " "},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Say what should be corrected" in page
    assert f'value="{proposal.pk}" id="proposal-{proposal.pk}" checked' in page
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING

    done = client.post(
        "/observatory/review/",
        {"proposals": [proposal.pk], "proposal_action": "return", "proposal_comment": COMMENT},
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == Decision.RETURNED
    review = client.get("/observatory/review/").content.decode()
    assert "Changes to published values returned for correction" in review
    assert "hourly peak" in review


def test_the_api_returns_a_change_with_a_comment(staff, officer_seoul):
    proposal = propose(officer_seoul, 131.4)
    url = "/api/v1/observations/proposals/decide"
    missing = api_post(url, {"ids": [proposal.pk], "decision": "return"}, staff)
    assert missing.status_code == 400
    assert "comment" in missing.json()["detail"]
    ask = {"ids": [proposal.pk], "decision": "return", "comment": COMMENT}
    assert api_post(url, ask, officer_seoul).status_code == 403
    done = api_post(url, ask, staff)
    assert (done.status_code, done.json()) == (200, {"decided": 1})
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_batch.note) == (Decision.RETURNED, COMMENT)
