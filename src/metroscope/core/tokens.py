"""API tokens: shown once when issued, stored only as a SHA-256 digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from metroscope.core.models import ApiToken

PREFIX = "mts_"


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue(user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user; the plain text is returned once and never stored."""
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plain[: len(PREFIX) + 6], digest=_digest(plain)
    )
    return token, plain


def revoke(prefix: str) -> int:
    return ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_for(plain: str) -> Any | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mts_…` acts as the token's user (no CSRF: no cookies involved)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for(token)
        if user is not None:
            request.user = user
        return user
