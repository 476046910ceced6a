"""The types of government the member list's source uses (data/member_kinds.csv), as words to
translate: the registry stores the source's English term, pages show it in the reader's
language. A type not listed here (typed in the back office) is shown as written."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

ENTITY_TYPES: dict[str, Promise] = {
    "city": pgettext_lazy("type of government", "city"),
    "prefecture-level city": pgettext_lazy("type of government", "prefecture-level city"),
    "sub-provincial city": pgettext_lazy("type of government", "sub-provincial city"),
    "province-level municipality": pgettext_lazy(
        "type of government", "province-level municipality"
    ),
    "province-level city": pgettext_lazy("type of government", "province-level city"),
    "county-level city": pgettext_lazy("type of government", "county-level city"),
    "metropolitan city": pgettext_lazy("type of government", "metropolitan city"),
    "metropolitan municipality": pgettext_lazy("type of government", "metropolitan municipality"),
    "special municipality": pgettext_lazy("type of government", "special municipality"),
    "special city": pgettext_lazy("type of government", "special city"),
    "city district": pgettext_lazy("type of government", "city district"),
    "city-state": pgettext_lazy("type of government", "city-state"),
    "federal city": pgettext_lazy("type of government", "federal city"),
    "federal district": pgettext_lazy("type of government", "federal district"),
    "federal territory": pgettext_lazy("type of government", "federal territory"),
    "federal entity (city)": pgettext_lazy("type of government", "federal entity (city)"),
    "metropolitan district": pgettext_lazy("type of government", "metropolitan district"),
    "department": pgettext_lazy("type of government", "department"),
    "metropolitan area": pgettext_lazy("type of government", "metropolitan area"),
    "province": pgettext_lazy("type of government", "province"),
    "region": pgettext_lazy("type of government", "region"),
    "state": pgettext_lazy("type of government", "state"),
    "governorate": pgettext_lazy("type of government", "governorate"),
    "canton": pgettext_lazy("type of government", "canton"),
    "regency": pgettext_lazy("type of government", "regency"),
    "special capital region (province)": pgettext_lazy(
        "type of government", "special capital region (province)"
    ),
    "institute": pgettext_lazy("type of government", "institute"),
}


def entity_type_label(entity_type: str) -> str:
    """The source's type of government in the active language (as written when unknown)."""
    label = ENTITY_TYPES.get(entity_type.strip().lower())
    return str(label) if label is not None else entity_type


def kind_detail(kind: str, kind_label: str, entity_type: str) -> str:
    """The type of government worth adding after the member's kind, or "" when it would only
    repeat the kind ("City (city)")."""
    label = entity_type_label(entity_type)
    said = {kind.lower(), kind_label.lower(), kind.replace("_", " ").lower()}
    if not entity_type.strip() or entity_type.strip().lower() in said or label.lower() in said:
        return ""
    return label
