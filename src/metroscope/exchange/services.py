"""Writes to the exchange: drafting and editing a solution, its review (a state machine) and
its files. The forms and the API both come here, so they obey the same rules, and every step
of a review leaves a `ReviewStep` naming the actor, the statuses and the comment; every edit
leaves a django-simple-history revision.

    step              from                              to
    submit            draft, changes_requested          submitted          author, officers, staff
    request_changes   submitted                         changes_requested  staff, comment required
    publish           submitted, archived               published          staff
    reject            submitted                         rejected           staff, comment required
    archive           published                         archived           staff
Edits are open while a solution is a draft or sent back for changes (staff: always).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from metroscope.exchange import attachments
from metroscope.exchange.access import (
    OPEN_FOR_EDITING,
    can_choose_any_member,
    can_edit_solution,
    can_review_solutions,
    can_submit_solutions,
    can_work_on_solution,
)
from metroscope.exchange.models import (
    Attachment,
    Collection,
    ReviewAction,
    ReviewStep,
    Solution,
    SolutionStatus,
)
from metroscope.members.models import Country, Member
from metroscope.observatory.models import Metro
from metroscope.observatory.resolve import MetroResolver, Unresolved
from metroscope.plan.models import Challenge, Theme

TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "results",
    "language",
    "city",
    "country_iso3",
    "year_started",
    "contact_name",
    "contact_email",
    "contact_role",
    "source_url",
)
FIELDS = (*TEXT_FIELDS, "collection", "metro", "sdgs", "tags")
RELATIONS = ("members", "themes", "challenges")
EDITABLE = frozenset(FIELDS + RELATIONS)
MAX_TAGS = 20
MAX_TAG_CHARS = 60
MAX_COMMENT_CHARS = 5000
MAX_ATTACHMENTS = 20
SLUG_CHARS = 180


class InvalidTransition(ValueError):
    """The solution's status does not allow this step."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    needs_comment: bool
    secretariat_only: bool


S = SolutionStatus
TRANSITIONS: dict[str, Transition] = {
    ReviewAction.SUBMIT: Transition(frozenset(OPEN_FOR_EDITING), S.SUBMITTED, False, False),
    ReviewAction.REQUEST_CHANGES: Transition(
        frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, True, True
    ),
    ReviewAction.PUBLISH: Transition(
        frozenset({S.SUBMITTED, S.ARCHIVED}), S.PUBLISHED, False, True
    ),
    ReviewAction.REJECT: Transition(frozenset({S.SUBMITTED}), S.REJECTED, True, True),
    ReviewAction.ARCHIVE: Transition(frozenset({S.PUBLISHED}), S.ARCHIVED, False, True),
}
REVIEW_ACTIONS = (
    ReviewAction.PUBLISH,
    ReviewAction.REQUEST_CHANGES,
    ReviewAction.REJECT,
    ReviewAction.ARCHIVE,
)


# --- who may ---------------------------------------------------------------------------------


def officer_member_ids(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Member.objects.filter(officers__user=user).values_list("pk", flat=True))


def allowed_actions(user: Any, solution: Solution) -> list[str]:
    """The steps this user may take on the solution now (for buttons and the API's answers)."""
    found = []
    staff = can_review_solutions(user)
    for action, transition in TRANSITIONS.items():
        if solution.status not in transition.sources:
            continue
        if transition.secretariat_only and not staff:
            continue
        if not transition.secretariat_only and not can_edit_solution(user, solution):
            continue
        found.append(str(action))
    return found


def _require_worker(user: Any, solution: Solution) -> None:
    """The author, an officer of one of the solution's members, or staff; else PermissionDenied."""
    if can_work_on_solution(user, solution):
        return
    raise PermissionDenied(
        _("Only the author, the officers of its members and the Secretariat may change this.")
    )


# --- data --------------------------------------------------------------------------------------


def unique_slug(title: str) -> str:
    """slugify(title), then -2, -3… until no solution has it."""
    base = slugify(title)[:SLUG_CHARS].strip("-") or "solution"
    taken = set(
        Solution.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def parse_tags(value: Any) -> list[str]:
    """Tags from a list or a comma-separated text: trimmed, without repeats, in order."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = " ".join(str(item).split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ValidationError(
                {
                    "tags": _("A tag may have at most %(count)s characters.")
                    % {"count": MAX_TAG_CHARS}
                }
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags.") % {"count": MAX_TAGS}})
    return tags


def parse_sdgs(value: Any) -> list[int]:
    numbers: set[int] = set()
    for item in value or []:
        try:
            number = int(item)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 17:
            raise ValidationError({"sdgs": _("SDGs are numbered from 1 to 17.")})
        numbers.add(number)
    return sorted(numbers)


def known_country(iso3: str) -> bool:
    return (
        Country.objects.filter(iso3=iso3).exists()
        or Metro.objects.filter(country_iso3=iso3).exists()
    )


def country_code(text: str) -> str:
    """The ISO3 code, upper-cased, of a country the registry or the Observatory knows."""
    iso3 = (text or "").strip().upper()
    if len(iso3) != 3 or not iso3.isascii() or not iso3.isalpha() or not known_country(iso3):
        raise ValidationError(
            {"country_iso3": _("Give the country as an ISO 3166 alpha-3 code, e.g. ESP.")}
        )
    return iso3


def resolve_metro(text: str, country_iso3: str = "") -> Metro | None:
    """The metro a person names by code, name or alias (None for an empty text)."""
    text = text.strip()
    if not text:
        return None
    try:
        pk = MetroResolver().resolve(text, country_iso3)
    except Unresolved as exc:
        raise ValidationError({"metro": str(exc)}) from None
    return Metro.objects.get(pk=pk)


def _by_codes(model: Any, codes: Iterable[str], field: str) -> list[Any]:
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    found = {o.code: o for o in model.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def resolve_codes(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data named by codes (the API's) turned into the rows the services take: `collection`,
    `members`, `themes`, `challenges` by code, `metro` by code, name or alias."""
    resolved = dict(data)
    if "collection" in data:
        found = Collection.objects.filter(code=data["collection"]).first()
        if found is None:
            raise ValidationError(
                {"collection": _("Unknown collection: %(code)s.") % {"code": data["collection"]}}
            )
        resolved["collection"] = found
    for name, model in (("members", Member), ("themes", Theme), ("challenges", Challenge)):
        if name in data and data[name] is None:
            del resolved[name]  # null: leave them as they are
        elif name in data:
            resolved[name] = _by_codes(model, data[name], name)
    if "metro" in data:
        country = data.get("country_iso3") or ""
        resolved["metro"] = resolve_metro(data["metro"] or "", country and country_code(country))
    return resolved


def _clean_values(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), _("This field cannot be set on a solution."))
        )
    values = dict(data)
    for name in TEXT_FIELDS:
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip()
        if name in values and values[name] is None and name != "year_started":
            values[name] = ""
    if "country_iso3" in values:
        values["country_iso3"] = country_code(values["country_iso3"])
    if "tags" in values:
        values["tags"] = parse_tags(values["tags"])
    if "sdgs" in values:
        values["sdgs"] = parse_sdgs(values["sdgs"])
    return values


def _members_for(
    user: Any, requested: Iterable[Member] | None, current: set[int], *, creating: bool
) -> set[int] | None:
    """The member ids the solution will have, or None to leave them as they are. Staff choose
    any; an officer adds or removes only members they are an officer of (others stay)."""
    if requested is None and not creating:
        return None
    wanted = {m.pk for m in requested or []}
    if can_choose_any_member(user):
        return wanted
    mine = officer_member_ids(user)
    foreign = sorted(
        Member.objects.filter(pk__in=wanted - mine - current).values_list("code", flat=True)
    )
    if foreign:
        raise PermissionDenied(
            _("You may only name members you are an officer of, not: %(codes)s.")
            % {"codes": ", ".join(foreign)}
        )
    if creating and not wanted:
        if len(mine) != 1:
            raise ValidationError({"members": _("Choose the member this solution comes from.")})
        wanted = set(mine)
    return (wanted & mine) | (current - mine)


def _save(solution: Solution, user: Any, reason: str, **kwargs: Any) -> None:
    solution._history_user = user  # type: ignore[attr-defined]
    solution._change_reason = reason  # type: ignore[attr-defined]
    solution.save(**kwargs)


def _write(solution: Solution, user: Any, values: Mapping[str, Any], reason: str) -> None:
    relations = {k: values[k] for k in RELATIONS if k in values}
    for name in FIELDS:
        if name in values:
            setattr(solution, name, values[name])
    solution.full_clean(exclude=["slug"] if solution.pk is None else None)
    _save(solution, user, reason)
    if "themes" in relations:
        solution.themes.set(relations["themes"] or [])
    if "challenges" in relations:
        solution.challenges.set(relations["challenges"] or [])


def _step(
    solution: Solution, user: Any, action: str, from_status: str, comment: str = ""
) -> ReviewStep:
    return ReviewStep.objects.create(
        solution=solution,
        action=action,
        from_status=from_status,
        to_status=solution.status,
        comment=comment,
        actor=user if user is not None and user.is_authenticated else None,
    )


# --- drafting ----------------------------------------------------------------------------------


@transaction.atomic
def create_draft(user: Any, data: Mapping[str, Any]) -> Solution:
    """A new draft written by `user` (an officer, for their own member(s), or staff)."""
    if not can_submit_solutions(user):
        raise PermissionDenied(_("Only officers of members and the Secretariat write solutions."))
    values = _clean_values(data)
    members = _members_for(user, values.pop("members", None), set(), creating=True)
    solution = Solution(status=SolutionStatus.DRAFT, author=user)
    solution.slug = unique_slug(str(values.get("title") or ""))
    _write(solution, user, values, "solution drafted")
    solution.members.set(members or [])
    _step(solution, user, ReviewAction.CREATE, "")
    return solution


@transaction.atomic
def update(user: Any, solution: Solution, data: Mapping[str, Any]) -> Solution:
    """Change the fields given in `data` (the others stay). The slug never changes, so the
    solution keeps its address."""
    _require_worker(user, solution)
    _lock(solution)
    if not can_edit_solution(user, solution):
        raise InvalidTransition(
            _(
                "This solution is %(status)s: it can be edited while it is a draft or when "
                "the Secretariat asks for changes."
            )
            % {"status": solution.get_status_display().lower()}
        )
    values = _clean_values(data)
    current = set(solution.members.values_list("pk", flat=True))
    members = _members_for(user, values.pop("members", None), current, creating=False)
    _write(solution, user, values, "solution edited")
    if members is not None and members != current:
        solution.members.set(members)
    return solution


# --- review ------------------------------------------------------------------------------------


def _lock(solution: Solution) -> None:
    """Read the status again under a row lock, so two reviewers cannot both move it."""
    fresh = Solution.objects.select_for_update().only("status").get(pk=solution.pk)
    solution.status = fresh.status


def _index(solution: Solution) -> None:
    # The search module's signals also follow saves; this call keeps the rule visible here:
    # a solution is in the search index exactly while it is published.
    from metroscope.exchange import search

    search.index_solutions([solution.pk])


def _refused_message(action: str) -> str:
    messages: dict[str, str] = {
        ReviewAction.SUBMIT: _(
            "Only a draft or a solution sent back for changes can be submitted; this one is "
            "%(status)s."
        ),
        ReviewAction.REQUEST_CHANGES: _(
            "Changes can be asked for a submitted solution only; this one is %(status)s."
        ),
        ReviewAction.PUBLISH: _(
            "Only a submitted or an archived solution can be published; this one is %(status)s."
        ),
        ReviewAction.REJECT: _(
            "Only a submitted solution can be rejected; this one is %(status)s."
        ),
        ReviewAction.ARCHIVE: _(
            "Only a published solution can be archived; this one is %(status)s."
        ),
    }
    return messages[action]


def _move(user: Any, solution: Solution, action: str, comment: str = "") -> Solution:
    transition = TRANSITIONS[action]
    if transition.secretariat_only:
        if not can_review_solutions(user):
            raise PermissionDenied(_("Only the Secretariat reviews solutions."))
    else:
        _require_worker(user, solution)
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": _("Say why in a comment: the author will read it.")})
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {"comment": _("At most %(count)s characters.") % {"count": MAX_COMMENT_CHARS}}
        )
    _lock(solution)
    before = solution.status
    if before not in transition.sources:
        raise InvalidTransition(
            _refused_message(action) % {"status": SolutionStatus(before).label.lower()}
        )
    now = timezone.now()
    solution.status = transition.target
    fields = ["status", "updated_at"]
    if transition.target == S.SUBMITTED:
        solution.submitted_at = now
        fields.append("submitted_at")
    if transition.target == S.PUBLISHED and solution.published_at is None:
        solution.published_at = now  # a solution published again keeps its first date
        fields.append("published_at")
    _save(solution, user, f"solution {action}", update_fields=fields)
    _step(solution, user, action, before, comment)
    if S.PUBLISHED in (before, transition.target):
        _index(solution)
    return solution


@transaction.atomic
def submit(user: Any, solution: Solution, comment: str = "") -> Solution:
    """Send a draft (or a solution sent back for changes) to the Secretariat."""
    return _move(user, solution, ReviewAction.SUBMIT, comment)


@transaction.atomic
def request_changes(user: Any, solution: Solution, comment: str) -> Solution:
    return _move(user, solution, ReviewAction.REQUEST_CHANGES, comment)


@transaction.atomic
def publish(user: Any, solution: Solution, comment: str = "") -> Solution:
    return _move(user, solution, ReviewAction.PUBLISH, comment)


@transaction.atomic
def reject(user: Any, solution: Solution, comment: str) -> Solution:
    return _move(user, solution, ReviewAction.REJECT, comment)


@transaction.atomic
def archive(user: Any, solution: Solution, comment: str = "") -> Solution:
    """Take a published solution off the public pages (it can be published again)."""
    return _move(user, solution, ReviewAction.ARCHIVE, comment)


@transaction.atomic
def review(user: Any, solution: Solution, action: str, comment: str = "") -> Solution:
    """One of the Secretariat's steps by name (publish, request_changes, reject, archive)."""
    if action not in REVIEW_ACTIONS:
        raise InvalidTransition(
            _("The review action must be one of: %(actions)s.")
            % {"actions": ", ".join(REVIEW_ACTIONS)}
        )
    return _move(user, solution, action, comment)


# --- files -------------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(user: Any, solution: Solution, upload: Any, caption: str = "") -> Attachment:
    """Keep an image or a PDF with the solution, under a random name (the original name is
    kept for display). ValidationError when its content is not allowed."""
    if not can_edit_solution(user, solution):
        raise PermissionDenied(_("You may not add files to this solution."))
    if solution.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A solution may have at most %(count)s files.") % {"count": MAX_ATTACHMENTS}
        )
    checked = attachments.check_upload(upload)
    attachment = Attachment(
        solution=solution,
        name=attachments.display_name(upload, checked),
        kind=checked.kind,
        content_type=checked.content_type,
        size=upload.size,
        caption=caption.strip()[:300],
        uploaded_by=user,
    )
    attachment._history_user = user  # type: ignore[attr-defined]
    attachments.store(attachment, upload, checked, attachment.save)
    return attachment


@transaction.atomic
def remove_attachment(user: Any, attachment: Attachment) -> None:
    if not can_edit_solution(user, attachment.solution):
        raise PermissionDenied(_("You may not remove files from this solution."))
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment._history_user = user  # type: ignore[attr-defined]
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
