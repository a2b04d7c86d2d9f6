"""Paging the triage queue without counting all of it.

On a queue of 100,000 open contacts an exact COUNT reads every row (tens of
milliseconds, growing with the queue) while the page itself, read in index
order, costs well under one. So the count stops a fixed distance past the page
being shown: exact up to COUNT_CAP rows, otherwise "more than" a number, and
"Next" is offered for as long as there are rows after the page.
"""

from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from . import selectors

# No queue has a millionth page; a bigger number would overflow the database's LIMIT/OFFSET.
MAX_PAGE = 1_000_000


def _page_number(value) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE + 1)
    except (TypeError, ValueError):
        return 1


class CappedPaginator(Paginator):
    """A Paginator whose count is exact up to `cap` rows past the requested page, then a lower bound."""

    def __init__(self, object_list, per_page, *, number=1, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        cap = selectors.COUNT_CAP if cap is None else cap
        # Count far enough to show the requested page and `cap` rows after it.
        self.count_limit = _page_number(number) * self.per_page + cap

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted: `count` is then a lower bound."""
        return self.count > self.count_limit

    @property
    def shown_count(self) -> int:
        """The count, or when capped the N of "more than N": the rows before the page asked for, plus `cap`
        (on the first page, 1,000)."""
        return self.count_limit - self.per_page if self.capped else self.count


class CappedPageNumberPagination(PageNumberPagination):
    """DRF page-number paging with the same capped count.

    `count` is exact up to 1,000 rows past the page asked for; beyond that it
    is that lower bound and `count_is_lower_bound` is true. `next` is there
    whenever another page exists.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        number = request.query_params.get(self.page_query_param) or "1"
        paginator = CappedPaginator(queryset, page_size, number=number)
        try:
            # As DRF's own paging: a page that is not a whole number from 1 is not found (404).
            if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_PAGE:
                raise InvalidPage("That page number is not a whole number from 1 to 1,000,000.")
            self.page = paginator.page(_page_number(number))
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=str(exc))) from exc
        return list(self.page)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.shown_count,
                "count_is_lower_bound": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_lower_bound"] = {
            "type": "boolean",
            "description": "True when there are more contacts than `count` (counts stop 1,000 past the page).",
        }
        return response
