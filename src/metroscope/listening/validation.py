"""Survey answers checked field by field, the same for the page and the API.

Canonical values: single → option id; multiple → list of option ids; ranking → list of
every option id once, first-ranked first (a mapping option id → rank is accepted too);
scale → integer within the question's bounds; number → a finite number; text → a string.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.listening.models import Question, QuestionKind


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _ranking(value: Any, option_ids: list[int]) -> list[int] | str:
    if isinstance(value, Mapping):
        ranks: dict[int, int] = {}
        for key, rank in value.items():
            option, position = _as_int(key), _as_int(rank)
            if option is None or position is None:
                return _("Rank every option.")
            ranks[option] = position
        if set(ranks) != set(option_ids):
            return _("Rank every option.")
        if sorted(ranks.values()) != list(range(1, len(option_ids) + 1)):
            return _("Give each option a different rank from 1 to %(count)s.") % {
                "count": len(option_ids)
            }
        return sorted(ranks, key=lambda option: ranks[option])
    if not isinstance(value, Sequence) or isinstance(value, str):
        return _("Rank every option exactly once.")
    ids = [_as_int(v) for v in value]
    if None in ids or len(ids) != len(set(ids)) or set(ids) != set(option_ids):
        return _("Rank every option exactly once.")
    return ids  # type: ignore[return-value]


def clean_answer(question: Question, value: Any) -> Any:
    """The canonical value, or raises ValueError with the reason to show beside the field."""
    option_ids = [o.pk for o in question.options.all()]
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        choice = _as_int(value)
        if choice not in option_ids:
            raise ValueError(_("Choose one of the options."))
        return choice
    if kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        chosen = [_as_int(v) for v in values]
        if any(c not in option_ids for c in chosen) or len(chosen) != len(set(chosen)):
            raise ValueError(_("Choose among the options, each at most once."))
        return sorted(chosen, key=option_ids.index)  # type: ignore[arg-type]
    if kind == QuestionKind.RANKING:
        ranked = _ranking(value, option_ids)
        if isinstance(ranked, str):
            raise ValueError(ranked)
        return ranked
    if kind == QuestionKind.SCALE:
        number = _as_int(value)
        if number is None or not question.scale_min <= number <= question.scale_max:
            raise ValueError(
                _("Choose a whole number from %(low)s to %(high)s.")
                % {"low": question.scale_min, "high": question.scale_max}
            )
        return number
    if kind == QuestionKind.NUMBER:
        try:
            number_f = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(_("Enter a number.")) from None
        if not math.isfinite(number_f) or isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        return number_f
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    if len(value) > 10000:
        raise ValueError(_("Keep the answer under 10,000 characters."))
    return value.strip()


def clean_answers(
    questions: Sequence[Question], raw: Mapping[int, Any]
) -> tuple[dict[int, Any], dict[int, str]]:
    """(clean values by question id, errors by question id). Unanswered optional questions
    are left out; unknown question ids are refused."""
    known = {q.pk for q in questions}
    errors: dict[int, str] = {}
    for qid in raw:
        if qid not in known:
            errors[qid] = _("This question is not part of the survey.")
    clean: dict[int, Any] = {}
    for question in questions:
        value = raw.get(question.pk)
        if isinstance(value, str):
            value = value if question.kind == QuestionKind.TEXT else value.strip()
        if _empty(value) or (question.kind == QuestionKind.TEXT and not str(value).strip()):
            if question.required:
                errors[question.pk] = _("This question needs an answer.")
            continue
        try:
            clean[question.pk] = clean_answer(question, value)
        except ValueError as exc:
            errors[question.pk] = str(exc)
    return clean, errors
