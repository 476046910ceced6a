"""Member surveys through their pages: one answer per member, answers private to staff,
results by region, the CSV of answers."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import IntegrityError

from metroscope.listening import services
from metroscope.listening.models import SurveyResponse
from metroscope.members.models import Member
from tests.conftest import client_for, make_user
from tests.listening.conftest import good_answers, make_survey, questions

pytestmark = pytest.mark.django_db


def form_data(survey, **overrides):
    q = questions(survey)
    answers = good_answers(survey)
    data = {
        f"q{q['single'].pk}": str(answers[q["single"].pk]),
        f"q{q['multiple'].pk}": [str(v) for v in answers[q["multiple"].pk]],
        f"q{q['scale'].pk}": "4",
        f"q{q['number'].pk}": "3",
        f"q{q['text'].pk}": "Más formaciones en español.",
    }
    for rank, option in enumerate(answers[q["ranking"].pk], start=1):
        data[f"q{q['ranking'].pk}_o{option}"] = str(rank)
    data.update(overrides)
    return data


def test_an_officer_answers_in_spanish_and_a_second_answer_is_refused(survey, officer_barcelona):
    client = client_for(officer_barcelona)
    page = client.get(f"/es/listening/surveys/{survey.pk}/").content.decode()
    assert "Prioridades de la red" in page
    assert "Ordene estos temas por prioridad" in page
    assert "Igualdad de género" in page
    response = client.post(f"/es/listening/surveys/{survey.pk}/", form_data(survey))
    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.member.code, answer.language, answer.answers.count()) == (
        "barcelona-city",
        "es",
        6,
    )
    again = client.post(f"/listening/surveys/{survey.pk}/", form_data(survey), follow=True)
    assert "has already answered this survey" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(services.AlreadyAnswered, match="each member answers once"):
        services.survey_answer(
            user=officer_barcelona,
            survey=survey,
            member=answer.member,
            raw=good_answers(survey),
            language="en",
        )


def test_another_officer_of_the_same_member_cannot_answer_again(survey, officer_barcelona):
    colleague = make_user("officer_barcelona_2", ("officer", "barcelona-city"))
    barcelona = Member.objects.get(code="barcelona-city")
    services.survey_answer(
        user=officer_barcelona,
        survey=survey,
        member=barcelona,
        raw=good_answers(survey),
        language="en",
    )
    with pytest.raises(services.AlreadyAnswered):
        services.survey_answer(
            user=colleague,
            survey=survey,
            member=barcelona,
            raw=good_answers(survey),
            language="en",
        )


def test_the_database_refuses_a_second_answer_too(survey, officer_barcelona):
    barcelona = Member.objects.get(code="barcelona-city")
    SurveyResponse.objects.create(survey=survey, member=barcelona, submitted_by=officer_barcelona)
    with pytest.raises(IntegrityError):
        SurveyResponse.objects.create(
            survey=survey, member=barcelona, submitted_by=officer_barcelona
        )


def test_bad_answers_are_refused_field_by_field_on_the_page(survey, officer_barcelona):
    q = questions(survey)
    ranking = q["ranking"]
    first = ranking.options.first()
    data = form_data(survey, **{f"q{q['scale'].pk}": "9", f"q{ranking.pk}_o{first.pk}": "2"})
    data.pop(f"q{q['single'].pk}")
    response = client_for(officer_barcelona).post(f"/listening/surveys/{survey.pk}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a whole number from 1 to 5." in page
    assert "This question needs an answer." in page
    assert "Give each option a different rank from 1 to 3." in page
    assert f'aria-describedby="q{q["scale"].pk}_error"' in page
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answer(officer_barcelona):
    closed = make_survey(open_now=False)
    client = client_for(officer_barcelona)
    assert "not open for answers" in client.get(f"/listening/surveys/{closed.pk}/").content.decode()
    client.post(f"/listening/surveys/{closed.pk}/", form_data(closed))
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("persona", "answer_page", "results", "csv_status"),
    [
        ("officer_barcelona", 200, 403, 403),
        ("officer_seoul", 200, 403, 403),
        ("staff", 302, 200, 200),
        ("board_member", 403, 403, 403),
        (None, 302, 302, 302),
    ],
)
def test_answers_are_private_to_staff(request, survey, persona, answer_page, results, csv_status):
    user = request.getfixturevalue(persona) if persona else None
    client = client_for(user)
    assert client.get(f"/listening/surveys/{survey.pk}/").status_code == answer_page
    assert client.get(f"/listening/surveys/{survey.pk}/results/").status_code == results
    assert client.get(f"/listening/surveys/{survey.pk}/answers.csv").status_code == csv_status


def test_staff_see_results_by_region_and_the_response_rate(
    survey, officer_barcelona, officer_seoul, staff
):
    for officer, code in ((officer_barcelona, "barcelona-city"), (officer_seoul, "seoul")):
        services.survey_answer(
            user=officer,
            survey=survey,
            member=Member.objects.get(code=code),
            raw=good_answers(survey),
            language="en",
        )
    page = client_for(staff).get(f"/listening/surveys/{survey.pk}/results/").content.decode()
    total = Member.objects.count()
    assert f"<td>{total}</td><td>2</td>" in page  # all regions: two of every member
    assert "Europe" in page
    assert 'id="q-chart-0"' in page
    assert "Mean rank" in page


def test_the_csv_holds_every_answer_and_neutralises_formulas(survey, officer_barcelona, staff):
    q = questions(survey)
    raw = good_answers(survey)
    raw[q["text"].pk] = "=HYPERLINK(1)"
    services.survey_answer(
        user=officer_barcelona,
        survey=survey,
        member=Member.objects.get(code="barcelona-city"),
        raw=raw,
        language="fr",
    )
    response = client_for(staff).get(f"/listening/surveys/{survey.pk}/answers.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert {r["member"] for r in rows} == {"barcelona-city"}
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["ranking"]["answer"] == "Gender equality | Climate | Housing"
    assert by_kind["text"]["answer"] == "'=HYPERLINK(1)"
    assert by_kind["single"]["language"] == "fr"


def test_the_survey_list_explains_what_staff_can_do_when_there_is_none(staff, officer_seoul):
    assert "There is no survey yet" in client_for(staff).get("/listening/surveys/").content.decode()
    page = client_for(officer_seoul).get("/listening/surveys/").content.decode()
    assert "No survey is open now" in page


def test_a_per_member_survey_for_some_regions_takes_only_their_members(
    officer_barcelona, officer_seoul
):
    """Regions chosen for a per-member survey are its audience: a member elsewhere neither
    sees it (page, home, API) nor answers it (page, API, service)."""
    from django.core.exceptions import PermissionDenied

    from metroscope.members.models import Region

    asia = make_survey(title_en="For Asia only")
    asia.audience_regions.set(Region.objects.filter(code="asia"))
    make_survey(title_en="For every region")
    barcelona, seoul = (Member.objects.get(code=c) for c in ("barcelona-city", "seoul"))
    raw = good_answers(asia)
    with pytest.raises(PermissionDenied, match="not among them"):
        services.survey_answer(
            user=officer_barcelona, survey=asia, member=barcelona, raw=raw, language="en"
        )
    bcn, sel = client_for(officer_barcelona), client_for(officer_seoul)
    for page in ("/listening/surveys/", "/listening/"):
        assert "For Asia only" not in bcn.get(page).content.decode()
        assert "For every region" in bcn.get(page).content.decode()
        assert "For Asia only" in sel.get(page).content.decode()
    assert [s["title"] for s in bcn.get("/api/v1/surveys").json()] == ["For every region"]
    assert {s["title"] for s in sel.get("/api/v1/surveys").json()} == {
        "For Asia only",
        "For every region",
    }
    assert bcn.get(f"/listening/surveys/{asia.pk}/").status_code == 403
    posted = bcn.post(
        f"/api/v1/surveys/{asia.pk}/answers",
        {"answers": {str(k): v for k, v in raw.items()}},
        content_type="application/json",
    )
    assert posted.status_code == 403
    assert not SurveyResponse.objects.filter(survey=asia).exists()
    made = services.survey_answer(
        user=officer_seoul, survey=asia, member=seoul, raw=raw, language="en"
    )
    assert made.member == seoul


def test_staff_write_a_trilingual_survey_in_the_back_office(staff):
    """The back office takes the three languages of every text, and the audience's roles
    and languages as boxes to tick (stored as the lists the audience reads)."""
    import datetime as dt

    from django.utils import timezone

    from metroscope.listening.models import Survey

    client = client_for(staff)
    assert client.get("/admin/listening/survey/add/").status_code == 200
    today = timezone.localdate()
    prefix = "questions"
    answer = client.post(
        "/admin/listening/survey/add/",
        {
            "title_en": "Member priorities",
            "title_fr": "Priorités des membres",
            "title_es": "Prioridades de los miembros",
            "intro_en": "Tell us.",
            "opens_at_0": str(today - dt.timedelta(days=1)),
            "opens_at_1": "09:00:00",
            "closes_at_0": str(today + dt.timedelta(days=30)),
            "closes_at_1": "18:00:00",
            "audience": "contact",
            "audience_roles": ["manager", "political"],
            "audience_languages": ["fr"],
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-order": "1",
            f"{prefix}-0-kind": "scale",
            f"{prefix}-0-text_en": "How satisfied are you?",
            f"{prefix}-0-text_fr": "Êtes-vous satisfait ?",
            f"{prefix}-0-text_es": "¿Está satisfecho?",
            f"{prefix}-0-required": "on",
            f"{prefix}-0-scale_min": "1",
            f"{prefix}-0-scale_max": "5",
        },
    )
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    survey = Survey.objects.get()
    assert (survey.title_fr, survey.title_es) == (
        "Priorités des membres",
        "Prioridades de los miembros",
    )
    assert survey.audience_roles == ["manager", "political"]
    assert survey.audience_languages == ["fr"]
    assert survey.questions.get().text_es == "¿Está satisfecho?"
    assert survey.history.get().history_user == staff
    change = client.get(f"/admin/listening/survey/{survey.pk}/change/")
    form = change.context["adminform"].form
    assert form["audience_roles"].value() == ["manager", "political"]  # ticked again
    assert 'name="audience_roles" value="technical"' in change.content.decode()
