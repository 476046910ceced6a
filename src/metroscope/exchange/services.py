"""Writes to the exchange: drafting and editing a solution, its review (a state machine) and
its files. The forms and the API both come here, so they obey the same rules, and every step
of a review leaves a `ReviewStep` naming the actor, the statuses and the comment; every edit
leaves a django-simple-history revision. What people send is cleaned in `solution_input` first.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.core import attachments
from metroscope.core.audit import audited_delete, audited_save
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
    ReviewAction,
    ReviewStep,
    Solution,
    SolutionStatus,
)
from metroscope.exchange.solution_input import FIELDS, RELATIONS, clean_values, unique_slug
from metroscope.members.models import Member

MAX_COMMENT_CHARS = 5000
MAX_ATTACHMENTS = 20


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


def _write(solution: Solution, user: Any, values: Mapping[str, Any], reason: str) -> None:
    relations = {k: values[k] for k in RELATIONS if k in values}
    for name in FIELDS:
        if name in values:
            setattr(solution, name, values[name])
    solution.full_clean(exclude=["slug"] if solution.pk is None else None)
    audited_save(solution, user=user, reason=reason)
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
def solution_create(*, user: Any, data: Mapping[str, Any]) -> Solution:
    """A new draft written by `user` (an officer, for their own member(s), or staff)."""
    if not can_submit_solutions(user):
        raise PermissionDenied(_("Only officers of members and the Secretariat write solutions."))
    values = clean_values(data)
    members = _members_for(user, values.pop("members", None), set(), creating=True)
    solution = Solution(status=SolutionStatus.DRAFT, author=user)
    solution.slug = unique_slug(str(values.get("title") or ""))
    _write(solution, user, values, "solution drafted")
    solution.members.set(members or [])
    _step(solution, user, ReviewAction.CREATE, "")
    return solution


@transaction.atomic
def solution_update(*, user: Any, solution: Solution, data: Mapping[str, Any]) -> Solution:
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
    values = clean_values(data)
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
    audited_save(solution, user=user, reason=f"solution {action}", update_fields=fields)
    _step(solution, user, action, before, comment)
    if S.PUBLISHED in (before, transition.target):
        _index(solution)
    return solution


@transaction.atomic
def solution_submit(*, user: Any, solution: Solution, comment: str = "") -> Solution:
    """Send a draft (or a solution sent back for changes) to the Secretariat."""
    return _move(user, solution, ReviewAction.SUBMIT, comment)


@transaction.atomic
def solution_request_changes(*, user: Any, solution: Solution, comment: str) -> Solution:
    return _move(user, solution, ReviewAction.REQUEST_CHANGES, comment)


@transaction.atomic
def solution_publish(*, user: Any, solution: Solution, comment: str = "") -> Solution:
    return _move(user, solution, ReviewAction.PUBLISH, comment)


@transaction.atomic
def solution_reject(*, user: Any, solution: Solution, comment: str) -> Solution:
    return _move(user, solution, ReviewAction.REJECT, comment)


@transaction.atomic
def solution_archive(*, user: Any, solution: Solution, comment: str = "") -> Solution:
    """Take a published solution off the public pages (it can be published again)."""
    return _move(user, solution, ReviewAction.ARCHIVE, comment)


@transaction.atomic
def solution_review(*, user: Any, solution: Solution, action: str, comment: str = "") -> Solution:
    """One of the Secretariat's steps by name (publish, request_changes, reject, archive)."""
    if action not in REVIEW_ACTIONS:
        raise InvalidTransition(
            _("The review action must be one of: %(actions)s.")
            % {"actions": ", ".join(REVIEW_ACTIONS)}
        )
    return _move(user, solution, action, comment)


# --- files -------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, user: Any, solution: Solution, upload: Any, caption: str = "") -> Attachment:
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
    attachments.store(attachment, upload, checked, lambda: audited_save(attachment, user=user))
    return attachment


@transaction.atomic
def attachment_remove(*, user: Any, attachment: Attachment) -> None:
    if not can_edit_solution(user, attachment.solution):
        raise PermissionDenied(_("You may not remove files from this solution."))
    stored = attachment.file.name
    storage = attachment.file.storage
    audited_delete(attachment, user=user)
    transaction.on_commit(lambda: storage.delete(stored))
