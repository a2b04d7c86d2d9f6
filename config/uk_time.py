"""Times of day as people in the UK read them.

Moments are stored and counted as aware datetimes (UTC in the database) and shown in the
service's time zone, Europe/London. Converting an aware moment never gives a time that does
not exist (no 01:30 on the night the clocks go forward), but it can give one that happens
twice: the hour from 01:00 to 02:00 on the night the clocks go back is shown once in BST and
again in GMT, so a time in that hour says which.
"""

from datetime import datetime

from django.utils import timezone


def uk_time(moment: datetime) -> datetime:
    """An aware moment in UK time (a naive one is taken to be UK time already)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


def is_repeated_hour(moment: datetime) -> bool:
    """Whether this UK clock time happens twice (the hour repeated when the clocks go back)."""
    local = uk_time(moment)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def zone_note(moment: datetime) -> str:
    """ " (BST)" or " (GMT)" for a time in the repeated hour, otherwise nothing."""
    return f" ({uk_time(moment).tzname()})" if is_repeated_hour(moment) else ""


def time_text(moment: datetime) -> str:
    """ "14:30", or "01:30 (BST)" / "01:30 (GMT)" in the hour that happens twice."""
    return f"{uk_time(moment):%H:%M}{zone_note(moment)}"
