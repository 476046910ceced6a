"""Custom peer groups: a user names a list of metros, keeps it private or shares it by link,
and benchmarks against it (`peers=group:<uid>`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from metroscope.observatory.models import GroupVisibility, Metro, PeerGroup
from metroscope.observatory.resolve import MetroResolver, Unresolved

MIN_METROS = 2
MAX_METROS = 1000
_SEPARATORS = re.compile(r"[\n;]+")


class GroupInvalid(ValueError):
    """The group can't be saved; `problems` says why, one line per metro or field, and
    `fields` names the form field each line is about (None: the whole group)."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(text for _field, text in problems))
        self.fields = [field_name for field_name, _text in problems]
        self.problems = [text for _field, text in problems]


@dataclass
class GroupInput:
    name: str
    metros: str  # codes, names or aliases, one per line (or separated by ';' or ',')
    visibility: str = GroupVisibility.PRIVATE
    description: str = ""


def _entries(text: str, resolver: MetroResolver) -> list[tuple[str, str]]:
    """(name, country) per line or per ';'. A line may end with ", <country>" to pick one of
    several metros of that name; a single line of commas that is not "name, country" is a
    list of codes or names (as in compare links)."""
    lines = [p.strip() for p in _SEPARATORS.split(text or "") if p.strip()]
    if len(lines) == 1 and "," in lines[0]:
        parts = [p.strip() for p in lines[0].split(",") if p.strip()]
        if not (len(parts) == 2 and resolver.country(parts[1])):
            lines = parts
    entries = []
    for line in lines:
        name, comma, country = line.rpartition(",")
        if comma and name.strip() and resolver.country(country):
            entries.append((name.strip(), country.strip()))
        else:
            entries.append((line, ""))
    return entries


def resolve_metros(text: str) -> tuple[list[int], list[str]]:
    """Metro ids in the order given (repeats dropped) and one problem line per entry that
    names no metro, or several."""
    if not (text or "").strip():
        return [], []
    resolver = MetroResolver()
    ids: list[int] = []
    problems: list[str] = []
    for line, (name, country) in enumerate(_entries(text, resolver), start=1):
        try:
            metro_id = resolver.resolve(name, country)
        except Unresolved as exc:
            problems.append(
                _("Line %(n)s (%(name)s): %(why)s") % {"n": line, "name": name, "why": exc}
            )
            continue
        if metro_id not in ids:
            ids.append(metro_id)
    return ids, problems


def _validated(data: GroupInput) -> list[int]:
    problems: list[tuple[str | None, str]] = []
    if not data.name.strip():
        problems.append(("name", _("Give the group a name.")))
    if data.visibility not in GroupVisibility.values:
        problems.append(("visibility", _("Choose who can see the group.")))
    ids, unresolved = resolve_metros(data.metros)
    problems.extend(("metros", text) for text in unresolved)
    if not unresolved and len(ids) < MIN_METROS:
        problems.append(
            ("metros", _("A peer group needs at least %(n)s metros.") % {"n": MIN_METROS})
        )
    if len(ids) > MAX_METROS:
        problems.append(
            ("metros", _("A peer group holds at most %(n)s metros.") % {"n": MAX_METROS})
        )
    if problems:
        raise GroupInvalid(problems)
    return ids


@transaction.atomic
def peer_group_save(*, user: Any, data: GroupInput, group: PeerGroup | None = None) -> PeerGroup:
    """Create a group for `user`, or replace `group` (theirs) with `data`; nothing is written
    when anything is wrong."""
    if group is not None and group.owner_id != user.pk:
        raise PermissionError("only the owner changes a peer group")
    ids = _validated(data)
    if group is None:
        group = PeerGroup(owner=user)
    group.name = data.name.strip()[:120]
    group.description = data.description.strip()
    group.visibility = data.visibility
    group.save()
    group.metros.set(ids)
    return group


@transaction.atomic
def peer_group_delete(*, user: Any, group: PeerGroup) -> None:
    if group.owner_id != user.pk:
        raise PermissionError("only the owner deletes a peer group")
    group.delete()


def groups_of(user: Any) -> list[PeerGroup]:
    if not user.is_authenticated:
        return []
    return list(PeerGroup.objects.filter(owner=user).order_by("name", "pk"))


def metros_text(group: PeerGroup) -> str:
    """The group's metros as the builder shows them: one code per line."""
    return "\n".join(m.code for m in group.metros.order_by("name"))


def members_of(group: PeerGroup) -> list[Metro]:
    return list(group.metros.order_by("name", "code"))
