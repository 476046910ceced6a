"""Who may use core's own pages: a record's history and the link to the back office."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core.roles import is_secretariat


def can_view_history(user: Any) -> bool:
    """A record's audit trail: the Secretariat."""
    return bool(is_secretariat(user))


def can_use_back_office(user: Any) -> bool:
    """Django's admin lets in staff-flagged users (the Secretariat's role sets the flag), so
    the link to it follows the flag, not the role."""
    return bool(user.is_staff)


# The rule under its permission name, for `user.has_perm` outside Metroscope's code (the admin,
# a shell); Metroscope itself asks the function above.
rules.add_perm("core.view_history", is_secretariat)


def can_view_job(user: Any, job: Any) -> bool:
    """A job's page and file: anyone for a public job (an open-data download, shared by all
    who ask for it), else the person who started it and the Secretariat."""
    if job.public:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(job.started_by_id == user.pk or is_secretariat(user))


def can_retry_job(user: Any, job: Any) -> bool:
    """Running a failed job again: the person who started it, or the Secretariat (for a public
    job started by a visitor, the Secretariat only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(job.started_by_id == user.pk or is_secretariat(user))
