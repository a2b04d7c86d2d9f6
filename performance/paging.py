"""Paging a list without counting it: reading one row more than a page says whether another follows.

For the drill-down of a figure with tens of thousands of records behind it, a count of the
records the user may open would check every one of them against the access policy; a page
checks only as many as it needs, in index order.
"""

from django.core.paginator import Paginator

# No list has a millionth page; a bigger number would overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def page_number(value) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


class UncountedPaginator:
    """What the pagination include reads of a paginator that does not know the number of pages."""

    capped = True

    def __init__(self, per_page: int):
        self.per_page = per_page


class NextPage:
    """One page of `queryset` (ordered), and whether there is another after it: one query."""

    def __init__(self, queryset, per_page: int, number=None):
        self.number = page_number(number)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self.paginator = UncountedPaginator(per_page)
        self._more = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def counted_page(queryset, per_page: int, number=None):
    """A page of a list short enough to count (Django's Paginator)."""
    return Paginator(queryset, per_page).get_page(number)
