"""Members' needs matched to peers' solutions, and introduction requests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from metroscope.core.models import Notification
from metroscope.exchange import matching, needs
from metroscope.exchange.models import IntroductionRequest, Need, Solution
from metroscope.members.models import Member
from metroscope.observatory import benchmarks, panel
from metroscope.observatory.models import Indicator, Metro, Observation, Status
from metroscope.plan.models import Challenge, Theme
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    with translation.override("en"):  # reasons are worded in the active language
        yield
    panel.clear()


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


def latest(metro: Metro, code: str) -> float:
    return (
        Observation.objects.filter(
            metro=metro, indicator__code=code, sex="total", status=Status.PUBLISHED, year__lte=2026
        )
        .latest("year")
        .value
    )


def test_does_better_follows_the_direction():
    assert matching.does_better("lower_better", 20.0, 30.0) is True
    assert matching.does_better("lower_better", 30.0, 20.0) is False
    assert matching.does_better("higher_better", 80.0, 75.0) is True
    assert matching.does_better("neutral", 80.0, 75.0) is None


def test_score_counts_shared_tags_and_peers_doing_better_twice():
    no2 = Indicator(code="no2", name="NO2", direction="lower_better")
    gdp = Indicator(code="gdp", name="GDP", direction="higher_better")
    size = Indicator(code="size", name="Size", direction="neutral")
    total, reasons, better = matching.score(
        need_themes={1, 2},
        need_challenges={7},
        themes={1: "Sustainability", 3: "Gender"},
        challenges={7: "Resilience"},
        comparisons=[
            matching.Comparison(no2, matching.Standing(20, 2019), matching.Standing(35, 2019)),
            matching.Comparison(gdp, matching.Standing(10, 2019), matching.Standing(50, 2019)),
            matching.Comparison(size, matching.Standing(9, 2019), matching.Standing(1, 2019)),
            matching.Comparison(gdp, matching.Standing(99, 2019), None),  # we have no value
        ],
    )
    assert total == 1 + 1 + matching.BETTER_WEIGHT  # a theme, a challenge, NO2 only
    assert reasons == ["Same plan themes: Sustainability", "Same plan challenges: Resilience"]
    assert [c.indicator.code for c in better] == ["no2"]


def test_a_need_gets_other_members_solutions_doing_better_first(officer_seoul):
    seoul = Member.objects.get(code="seoul")
    no2 = Indicator.objects.get(code="no2_annual_mean")
    need = needs.need_save(
        user=officer_seoul,
        data=needs.NeedInput(
            member=seoul,
            title="Cleaner air on our arterial roads",
            themes=[Theme.objects.get(code="T-SUS")],
            challenges=[Challenge.objects.get(code="C-GROWTH")],
            indicators=[no2],
        ),
    )
    suggestions = matching.suggest_for_need(need)
    assert suggestions
    assert all(seoul not in s.solution.members.all() for s in suggestions)  # not our own
    seoul_metro = Metro.objects.get(code="seoul")
    ours = latest(seoul_metro, "no2_annual_mean")
    doing_better = [s for s in suggestions if s.better]
    assert doing_better
    assert suggestions[: len(doing_better)] == doing_better
    for s in doing_better:
        assert latest(s.solution.metro, "no2_annual_mean") < ours  # lower NO2 is better
    assert any("Same plan themes: Sustainability" in r for s in suggestions for r in s.reasons)
    page = get(f"/exchange/needs/{need.pk}/", officer_seoul).content.decode()
    first = doing_better[0]
    assert first.solution.title.replace("'", "&#x27;") in page
    assert f"{first.solution.metro.name} does better on Annual mean NO2 concentration" in page


def test_an_officer_records_needs_only_for_their_member(officer_seoul):
    barcelona = Member.objects.get(code="barcelona-city")
    with pytest.raises(needs.NeedRefused):
        needs.need_save(
            user=officer_seoul, data=needs.NeedInput(member=barcelona, title="Not ours")
        )
    assert not Need.objects.exists()
    client = client_for(officer_seoul)
    form = client.get("/exchange/needs/new/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'value="seoul"' in form
    assert 'value="barcelona-city"' not in form
    refused = client.post(
        "/exchange/needs/new/",
        {"member": "barcelona-city", "title": "Not ours", "themes": ["1"]},
        HTTP_HOST="127.0.0.1",
    )
    assert refused.status_code == 200
    assert not Need.objects.exists()
    nothing = client.post(
        "/exchange/needs/new/", {"member": "seoul", "title": "Vague"}, HTTP_HOST="127.0.0.1"
    )
    assert "Pick at least one theme, challenge or indicator" in nothing.content.decode()
    theme = Theme.objects.get(code="T-QOL")
    saved = client.post(
        "/exchange/needs/new/",
        {"member": "seoul", "title": "Older people living alone", "themes": [str(theme.pk)]},
        HTTP_HOST="127.0.0.1",
    )
    need = Need.objects.get()
    assert saved["Location"].endswith(f"/exchange/needs/{need.pk}/")
    assert need.history.exists()


def test_needs_pages_need_sign_in():
    assert get("/exchange/needs/").status_code == 302
    assert get("/exchange/introductions/").status_code == 302


def test_an_introduction_reaches_staff_and_the_other_members_officers(
    officer_seoul, staff, django_capture_on_commit_callbacks
):
    staff.email = "secretariat@example.org"
    staff.save()
    toronto_officer = make_user("officer_toronto", ("officer", "toronto"))
    toronto_officer.email = "toronto@example.org"
    toronto_officer.save()
    solution = Solution.objects.get(members__code="toronto", title__icontains="King Street")
    client = client_for(officer_seoul)
    with pytest.raises(needs.NeedRefused):
        needs.introduction_request(
            user=officer_seoul,
            from_member=Member.objects.get(code="toronto"),
            solution=solution,
            message="x",
        )
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves after commit
        response = client.post(
            f"/exchange/solutions/{solution.slug}/introduce/",
            {"from_member": "seoul", "message": "How did you win over the shopkeepers?"},
            HTTP_HOST="127.0.0.1",
        )
    assert response.status_code == 302
    request = IntroductionRequest.objects.get()
    assert (request.from_member.code, request.to_member.code) == ("seoul", "toronto")
    assert request.requested_by == officer_seoul
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["secretariat@example.org", "toronto@example.org"]
    assert "How did you win over the shopkeepers?" in mail.outbox[0].body
    # and in the app, beside the e-mail: staff and the other member's officers, not the asker
    noticed = Notification.objects.filter(kind="exchange.introduction")
    assert sorted(noticed.values_list("recipient__username", flat=True)) == [
        "officer_toronto",
        "staff",
    ]
    assert noticed.first().link == "/exchange/introductions/"
    for user in (officer_seoul, toronto_officer, staff):  # both sides and staff see the log
        assert "How did you win over" in get("/exchange/introductions/", user).content.decode()
    other = make_user("officer_madrid", ("officer", "madrid"))
    assert "How did you win over" not in get("/exchange/introductions/", other).content.decode()


def test_the_metro_profile_suggests_solutions_of_peers_doing_better_where_it_lags():
    page = get("/observatory/metros/barcelona/").content.decode()
    section = page[page.index('id="peer-solutions"') : page.index('id="like-mine"')]
    barcelona = Metro.objects.get(code="barcelona")
    ours = latest(barcelona, "no2_annual_mean")
    toronto = Metro.objects.get(code="toronto")
    assert latest(toronto, "no2_annual_mean") < ours
    assert "Toronto does better on Annual mean NO2 concentration" in section
    assert "Superblocks" not in section  # Barcelona's own solution is not suggested to it


def test_needs_api_records_lists_and_suggests(officer_seoul, officer_barcelona):
    from metroscope.core import tokens

    _, plain = tokens.issue(officer_seoul, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}", "HTTP_HOST": "127.0.0.1"}
    client = client_for(None)
    assert client.get("/api/v1/needs", HTTP_HOST="127.0.0.1").status_code == 401
    body = {
        "member": "seoul",
        "title": "Cleaner air",
        "themes": ["T-SUS"],
        "indicators": ["no2_annual_mean"],
    }
    made = client.post("/api/v1/needs", body, content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    need_id = made.json()["id"]
    wrong = client.post(
        "/api/v1/needs",
        {**body, "member": "barcelona-city"},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 403
    unknown = client.post(
        "/api/v1/needs", {**body, "themes": ["T-NOPE"]}, content_type="application/json", **auth
    )
    assert unknown.status_code == 400
    assert "T-NOPE" in unknown.json()["detail"]
    assert [n["id"] for n in client.get("/api/v1/needs", **auth).json()] == [need_id]
    api = client.get(f"/api/v1/needs/{need_id}/suggestions", **auth).json()
    page = matching.suggest_for_need(Need.objects.get(pk=need_id))
    assert [s["solution"] for s in api] == [s.solution.slug for s in page]  # same as the page
    assert api[0]["does_better"][0]["indicator"] == "no2_annual_mean"


def test_peers_doing_better_never_rests_on_a_national_proxy():
    """A country's figure copied onto its metros says nothing about what a peer city did:
    Quito's urban agriculture was once suggested for Barcelona's (Spain's) pay gap."""
    gdp = Indicator.objects.get(code="gdp_per_capita_ppp")
    gap = Indicator.objects.get(code="gender_earnings_gap_urban")
    no2 = Indicator.objects.get(code="no2_annual_mean")
    assert matching._standings([gdp, gap]) == {gdp.pk: {}, gap.pk: {}}
    national = (
        matching.Standing(99, 2019, "national_proxy"),
        matching.Standing(1, 2019, "national_proxy"),
    )
    other_scale = matching.Standing(20, 2019, "core_city"), matching.Standing(35, 2019, "metro")
    total, _, better = matching.score(
        need_themes=set(),
        need_challenges=set(),
        themes={},
        challenges={},
        comparisons=[matching.Comparison(gdp, *national), matching.Comparison(no2, *other_scale)],
    )
    assert (total, better) == (0, [])
    barcelona = Metro.objects.get(code="barcelona")
    profile = benchmarks.profile(barcelona, benchmarks.resolve_peers("all"))
    proxies = {r["indicator"].pk for r in profile if r["observation"].scale == "national_proxy"}
    assert gap.pk in proxies
    lagging = matching.suggest_for_lagging(barcelona, profile)
    assert lagging  # NO2 still finds peers doing better
    assert not proxies & {row.indicator.pk for row in lagging}
    page = get("/observatory/metros/barcelona/").content.decode()
    section = page[page.index('id="peer-solutions"') : page.index('id="like-mine"')]
    for indicator in Indicator.objects.filter(pk__in=proxies):
        assert f"does better on {indicator.name}" not in section


def test_an_introduction_may_not_cite_another_members_need(officer_seoul):
    """Issue 21: need.member was never compared with the requester's member."""
    solution = Solution.objects.get(members__code="toronto", title__icontains="King Street")
    theirs = Need.objects.create(member=Member.objects.get(code="madrid"), title="Quiet streets")
    client = client_for(officer_seoul)
    response = client.post(
        f"/exchange/solutions/{solution.slug}/introduce/",
        {"from_member": "seoul", "message": "How?", "need": theirs.pk},
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 302
    assert not IntroductionRequest.objects.exists()
    with pytest.raises(ValueError, match="own needs"):
        needs.introduction_request(
            user=officer_seoul,
            from_member=Member.objects.get(code="seoul"),
            solution=solution,
            message="How?",
            need=theirs,
        )
    own = Need.objects.create(member=Member.objects.get(code="seoul"), title="Quiet streets")
    made = needs.introduction_request(
        user=officer_seoul,
        from_member=Member.objects.get(code="seoul"),
        solution=solution,
        message="How?",
        need=own,
    )
    assert [r.need for r in made] == [own]


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_introduction_form_never_sends_to_another_site(officer_seoul, back):
    solution = Solution.objects.get(members__code="toronto", title__icontains="King Street")
    response = client_for(officer_seoul).post(
        f"/exchange/solutions/{solution.slug}/introduce/",
        {"from_member": "seoul", "message": "How?", "next": back},
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
