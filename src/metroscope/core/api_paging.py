"""The API's limit/offset paging with an upper bound on the offset: past it the request is
refused (400) instead of reaching the database as an out-of-range integer (a 500)."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Far beyond the longest list (about 13,300 metros), well inside every database's integers.
MAX_OFFSET = 1_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
