"""Request types shared by the territories and activities APIs.

PostgreSQL rejects NUL characters in text and page offsets beyond bigint, and
either would surface as a 500: both are refused up front as a 422 instead.
"""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator

MAX_PAGE = 1_000_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class Pagination(PageNumberPagination):
    """Page-number pagination with a bounded page (`{"items": [...], "count": N}`)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


def first_or_404(queryset, message: str):
    """The first row, or a JSON 404 carrying `message` (config/api.py turns Http404
    into `{"detail": message}`)."""

    from django.http import Http404

    obj = queryset.first()
    if obj is None:
        raise Http404(message)
    return obj
