"""Dates, times and summaries as words on a page, in GOV.UK style: "7 December 2026", no leading
zero, the month in full. Imports only `config.uk_time` of the project, so any app may use it.

Deadline explanations keep their own shorter form ("Mon 7 Dec 2026"): `notifications.timescales`.
"""

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import Truncator

from config.uk_time import time_text

SUMMARY_CHARS = 200


def day_text(value: date) -> str:
    """7 December 2026."""
    return f"{value.day} {value:%B %Y}"


def when_text(moment: datetime) -> str:
    """7 December 2026 at 14:05, in UK time ("at 01:30 (GMT)" in the hour the clocks repeat)."""
    return f"{day_text(timezone.localtime(moment))} at {time_text(moment)}"


def one_line(text: str | None, limit: int = SUMMARY_CHARS) -> str:
    """Free text as one line for a list or chronology, cut to `limit` characters."""
    return Truncator(re.sub(r"\s+", " ", text or "").strip()).chars(limit)
