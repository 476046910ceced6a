"""API tokens: shown once when issued, stored only as a SHA-256 digest, valid until they
expire (a year at most) or are revoked; a read-only token may only read (GET, HEAD)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from metroscope.core.models import ApiToken

PREFIX = "mts_"
LIFETIMES = (30, 90, 365)  # days a token may be issued for
DEFAULT_DAYS = 90
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# How stale "last used" may be: the page shows it to the minute, and writing it on every
# request made each API read a write (on SQLite, one more writer waiting for the lock).
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue(
    user: Any, name: str = "", *, days: int = DEFAULT_DAYS, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new token for the user; the plain text is returned once and never stored."""
    if days not in LIFETIMES:
        raise ValueError(
            _("A token lasts %(choices)s days.") % {"choices": ", ".join(map(str, LIFETIMES))}
        )
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=plain[: len(PREFIX) + 6],
        digest=_digest(plain),
        expires_at=timezone.now() + timedelta(days=days),
        read_only=read_only,
    )
    return token, plain


def revoke(prefix: str) -> int:
    return ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (revoked and expired ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def token_revoke(*, user: Any, pk: int) -> ApiToken:
    """A person revokes one of her own tokens; LookupError for anyone else's."""
    token = tokens_of(user).select_for_update().filter(pk=pk).first()
    if token is None:
        raise LookupError(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for(plain: str) -> ApiToken | None:
    """The live token (not revoked, not expired, of an active user) with this text."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for(plain: str) -> Any | None:
    token = token_for(plain)
    return None if token is None else token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mts_…` acts as the token's user (no CSRF: no cookies involved)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = token_for(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, _("This token is read-only: it may not change anything."))
        request.user = found.user
        return found.user
