"""Making the CIN census for an authority and a collection year: for a file, a download, or the rules."""

from collections.abc import Iterator

from django.utils import timezone

from accounts.audit import record_search
from accounts.models import Authority

from . import gather
from .validation import Issue, validate_census
from .writer import census_xml
from .years import CollectionYear


def census(authority: Authority, year: CollectionYear, *, by=None, now=None) -> Iterator[str]:
    """The census XML in pieces, streamed; the export is written to the access log first.

    `by`: the user downloading it, or None for a command run on the server.
    """
    ids = gather.children_in_year(authority, year)
    record_search(user=by, what="returns:cin_census", query=f"{authority.la_code} {year}", child_ids=ids)
    children = gather.census_children(authority, year, child_ids=ids)
    return census_xml(children, la_code=authority.la_code, year=year, made_at=timezone.localtime(now))


def census_text(authority: Authority, year: CollectionYear, *, by=None, now=None) -> str:
    return "".join(census(authority, year, by=by, now=now))


def check_census(authority: Authority, year: CollectionYear, *, now=None) -> list[Issue]:
    """The year's return as it stands, run through that year's validation rules."""
    return validate_census(census_text(authority, year, now=now), year)
