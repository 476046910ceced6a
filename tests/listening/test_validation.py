"""Survey answers checked field by field: the rules the page and the API share."""

from __future__ import annotations

import pytest

from metroscope.listening.validation import clean_answers
from tests.listening.conftest import good_answers, questions

pytestmark = pytest.mark.django_db


def check(survey, **changes):
    q = questions(survey)
    raw = good_answers(survey)
    for kind, value in changes.items():
        raw[q[kind].pk] = value
    clean, errors = clean_answers(list(q.values()), raw)
    return q, clean, {kind: errors.get(q[kind].pk) for kind in q if q[kind].pk in errors}


def test_good_answers_pass_and_are_made_canonical(survey):
    q, clean, errors = check(survey, scale="4", number="2,5")
    assert errors == {}
    assert clean[q["scale"].pk] == 4
    assert clean[q["number"].pk] == 2.5
    assert clean[q["text"].pk] == "More trainings in Spanish."


@pytest.mark.parametrize("value", [[], None, "", {}])
def test_a_required_question_needs_an_answer(survey, value):
    _q, _clean, errors = check(survey, single=value)
    assert errors == {"single": "This question needs an answer."}


def test_optional_questions_may_be_left_out(survey):
    q, clean, errors = check(survey, multiple=[], number="", text="   ")
    assert errors == {}
    assert q["multiple"].pk not in clean
    assert q["text"].pk not in clean


@pytest.mark.parametrize("value", [0, 6, "3.5", "three", True])
def test_a_scale_answer_stays_within_bounds(survey, value):
    _q, _clean, errors = check(survey, scale=value)
    assert errors == {"scale": "Choose a whole number from 1 to 5."}


def test_a_choice_must_be_one_of_the_questions_options(survey):
    q = questions(survey)
    someone_elses = q["ranking"].options.first().pk
    _q, _clean, errors = check(survey, single=someone_elses)
    assert errors == {"single": "Choose one of the options."}
    _q, _clean, errors = check(survey, multiple=[someone_elses])
    assert "multiple" in errors


def test_a_ranking_must_rank_every_option_once(survey):
    q = questions(survey)
    a, b, c = (o.pk for o in q["ranking"].options.all())
    for bad in ([a, b], [a, a, b], [a, b, c, c], "abc", [a, b, 999]):
        _q, _clean, errors = check(survey, ranking=bad)
        assert errors == {"ranking": "Rank every option exactly once."}, bad
    # the page sends ranks per option
    _q, clean, errors = check(survey, ranking={str(a): "2", str(b): "3", str(c): "1"})
    assert errors == {}
    assert clean[q["ranking"].pk] == [c, a, b]
    _q, _clean, errors = check(survey, ranking={str(a): "1", str(b): "1", str(c): "2"})
    assert errors == {"ranking": "Give each option a different rank from 1 to 3."}
    _q, _clean, errors = check(survey, ranking={str(a): "1", str(b): "2"})
    assert errors == {"ranking": "Rank every option."}


@pytest.mark.parametrize("value", ["nan", "inf", "abc", [1]])
def test_a_number_must_be_a_finite_number(survey, value):
    _q, _clean, errors = check(survey, number=value)
    assert errors == {"number": "Enter a number."}


def test_every_problem_is_reported_at_once_and_unknown_questions_are_refused(survey):
    q = questions(survey)
    raw = good_answers(survey)
    raw[q["scale"].pk] = 9
    raw[q["single"].pk] = None
    raw[123456] = "?"
    _clean, errors = clean_answers(list(q.values()), raw)
    assert set(errors) == {q["scale"].pk, q["single"].pk, 123456}
