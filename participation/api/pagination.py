"""Pages of the API's lists: ``limit`` (50 unless given) and ``offset``; a limit above MAX_LIMIT is served as
MAX_LIMIT, so that no request reads a whole table."""

from __future__ import annotations

from rest_framework import pagination

MAX_LIMIT = 500


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    max_limit = MAX_LIMIT
    limit_query_description = f"Number of results per page: at most {MAX_LIMIT} (more is served as {MAX_LIMIT})."
