"""Limit/offset pages that never count the whole table: one row past the page tells "next"."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_LIMIT = 200


def _parse(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return value


def page_params(request) -> tuple[int, int]:
    """Return (limit, offset) from the query string, or raise a 400 naming the bad one."""
    return (
        _parse(request, "limit", 50, 1, MAX_LIMIT),
        _parse(request, "offset", 0, 0, 10_000_000),
    )


class PagePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit, self.offset = page_params(request)
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        self.has_next = len(rows) > self.limit
        return rows[: self.limit]

    def get_next_link(self):
        # DRF's version compares against self.count, which these pages never compute.
        if not self.has_next:
            return None
        url = replace_query_param(self.request.build_absolute_uri(), "limit", self.limit)
        return replace_query_param(url, "offset", self.offset + self.limit)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
