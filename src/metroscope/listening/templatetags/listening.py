"""Filters that put a survey's submitted values back into the answering page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def is_chosen(value: Any, option_id: int) -> bool:
    values = value if isinstance(value, list) else [value]
    return str(option_id) in {str(v) for v in values if v is not None}


@register.filter
def rank_of(value: Any, option_id: int) -> int | None:
    if not isinstance(value, dict):
        return None
    rank = str(value.get(option_id) or value.get(str(option_id)) or "")
    return int(rank) if rank.isdigit() else None
