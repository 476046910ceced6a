"""Published aggregates (small cells suppressed), XLSX of answers, free-text tagging into
Exchange needs, and who may do what."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from metroscope.exchange.models import Need
from metroscope.listening import analytics, services
from metroscope.listening.models import Answer, AnswerTagging
from metroscope.members.models import Member
from metroscope.plan.models import Theme
from tests.conftest import client_for, make_user
from tests.listening.conftest import good_answers, questions

pytestmark = pytest.mark.django_db


def answer_as(survey, code, changes=None):
    user = make_user(f"officer_{code}", ("officer", code))
    raw = good_answers(survey)
    raw.update(changes or {})
    return services.survey_answer(
        user=user, survey=survey, member=Member.objects.get(code=code), raw=raw, language="en"
    )


def test_suppression_rules_hand_checked():
    assert [analytics.suppressed(n) for n in (0, 1, 2, 3, 7)] == [0, None, None, 3, 7]
    rows = [
        {"option": "a", "group": "Europe", "count": 3},
        {"option": "b", "group": "Europe", "count": 1},
        {"option": "a", "group": "Africa", "count": 1},
    ]
    shown, hidden = analytics.public_counts(rows, {"Europe": 4, "Africa": 1})
    assert hidden == ["Africa"]
    assert shown == [
        {"option": "a", "group": "Europe", "count": 3},
        {"option": "b", "group": "Europe", "count": None},
    ]


def test_publish_shows_aggregates_only_and_suppresses_small_cells(survey, staff):
    q = questions(survey)
    secret = "Our mayor wants a secret tram"
    for code in ("barcelona-city", "seoul", "berlin"):
        answer_as(survey, code, {q["text"].pk: secret})
    anonymous = client_for(None)
    assert anonymous.get(f"/listening/results/{survey.pk}/").status_code == 404
    client_for(staff).post(f"/listening/surveys/{survey.pk}/publish/", {"publish": "1"})
    page = anonymous.get(f"/listening/results/{survey.pk}/").content.decode()
    assert secret not in page
    assert "barcelona-city" not in page
    # Every member chose "Europe" on the single question: 3 is shown, "Africa" 0 too.
    assert "<td>Europe</td><td>3</td>" in page
    assert "<td>Africa</td><td>0</td>" in page
    # Split by region: Europe has 2 respondents (Barcelona, Berlin), Asia-Pacific 1: left out.
    assert "Left out, fewer than 3 respondents" in page
    assert f"{survey.pk}" in anonymous.get("/listening/results/").content.decode()


def test_a_question_with_fewer_than_three_answers_is_not_shown(survey, staff):
    answer_as(survey, "barcelona-city")
    services.survey_publish(user=staff, survey=survey)
    page = client_for(None).get(f"/listening/results/{survey.pk}/").content.decode()
    assert "Fewer than 3 answers: not shown." in page
    assert "<td>Europe</td><td>1</td>" not in page


def test_the_xlsx_parses_back_with_formulas_neutralised(survey, staff):
    q = questions(survey)
    answer_as(survey, "barcelona-city", {q["text"].pk: "=CMD()"})
    response = client_for(staff).get(f"/listening/surveys/{survey.pk}/answers.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["answers"]
    rows = list(sheet.values)
    header = rows[0]
    assert header[:3] == ("member", "member_name", "region")
    by_kind = {r[header.index("kind")]: r for r in rows[1:]}
    assert len(rows) == 7
    assert by_kind["text"][header.index("answer")] == "'=CMD()"
    assert by_kind["ranking"][header.index("answer")] == "Gender equality | Climate | Housing"


def test_tagging_a_text_answer_and_turning_it_into_a_need(survey, staff):
    q = questions(survey)
    answer_as(survey, "barcelona-city", {q["text"].pk: "We need help with heat waves."})
    answer = Answer.objects.get(question=q["text"])
    theme = Theme.objects.first()
    client = client_for(staff)
    base = f"/listening/surveys/{survey.pk}/texts/{answer.pk}"
    client.post(f"{base}/tag/", {"themes": [theme.pk]})
    client.post(f"{base}/need/", {"title": "Heat waves"})
    need = Need.objects.get()
    assert (need.member.code, need.title, need.description) == (
        "barcelona-city",
        "Heat waves",
        "We need help with heat waves.",
    )
    assert list(need.themes.all()) == [theme]
    with pytest.raises(ValueError, match="already a need"):
        services.answer_to_need(user=staff, answer=answer, title="Again")
    assert "Heat waves" in client.get(f"/listening/surveys/{survey.pk}/texts/").content.decode()


def test_a_theme_named_by_anything_but_its_id_is_refused_and_tags_nothing(survey, staff):
    """Was a 500 (the value went straight into the query)."""
    q = questions(survey)
    answer_as(survey, "barcelona-city", {q["text"].pk: "Heat waves."})
    answer = Answer.objects.get(question=q["text"])
    url = f"/listening/surveys/{survey.pk}/texts/{answer.pk}/tag/"
    refused = client_for(staff).post(url, {"themes": ["T-SUS"]}, follow=True)
    assert refused.status_code == 200
    assert "“T-SUS” is not a valid value." in refused.content.decode()
    assert not AnswerTagging.objects.filter(answer=answer).exists()


@pytest.mark.parametrize(
    ("persona", "texts", "xlsx", "publish"),
    [
        ("officer_barcelona", 403, 403, 403),
        ("board_member", 403, 403, 403),
        ("staff", 200, 200, 302),
        (None, 302, 302, 302),
    ],
)
def test_answers_stay_private_to_staff(request, survey, persona, texts, xlsx, publish):
    client = client_for(request.getfixturevalue(persona) if persona else None)
    assert client.get(f"/listening/surveys/{survey.pk}/texts/").status_code == texts
    assert client.get(f"/listening/surveys/{survey.pk}/answers.xlsx").status_code == xlsx
    assert (
        client.post(f"/listening/surveys/{survey.pk}/publish/", {"publish": "1"}).status_code
        == publish
    )


def test_public_results_page_query_count(survey, staff, django_assert_num_queries):
    for code in ("barcelona-city", "seoul", "berlin"):
        answer_as(survey, code)
    services.survey_publish(user=staff, survey=survey)
    client = client_for(None)
    client.get(f"/listening/results/{survey.pk}/")
    with django_assert_num_queries(9):
        client.get(f"/listening/results/{survey.pk}/")
