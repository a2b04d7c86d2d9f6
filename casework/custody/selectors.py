"""Reads for custody episodes, appropriate adult screenings and PACE requests, scoped by the access
policy in SQL (visible children only) and dropped entirely for a section the reader may not read
(casework.justice.sharing)."""

from accounts import access

from ..justice.sharing import Section, may_read_section
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest


def _reads(user, section) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_read_section(user, section)


def episodes_for(user):
    if not _reads(user, Section.CUSTODY):
        return CustodyEpisode.objects.none()
    return CustodyEpisode.objects.filter(child__in=access.visible_children(user)).select_related("child", "agency")


def screenings_for(user):
    if not _reads(user, Section.SCREENING):
        return AppropriateAdultScreening.objects.none()
    return AppropriateAdultScreening.objects.filter(child__in=access.visible_children(user)).select_related("child")


def pace_requests_for(user):
    if not _reads(user, Section.PACE):
        return PaceAccommodationRequest.objects.none()
    return PaceAccommodationRequest.objects.filter(child__in=access.visible_children(user)).select_related("child")


def child_episodes(child):
    """The child's custody episodes, newest first (for the link list on an episode's page)."""
    return CustodyEpisode.objects.filter(child=child).order_by("-arrested_at", "-id")
