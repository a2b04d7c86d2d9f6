"""The `date` filter, saying BST or GMT for a time in the hour the clocks repeat.

Loaded as a template builtin after Django's own, so every `{{ moment|date:"j F Y, H:i" }}`
on every page uses it: Django converts an aware moment to UK time first (expects_localtime),
and a time between 01:00 and 02:00 on the night the clocks go back gets " (BST)" or " (GMT)".
"""

from datetime import datetime

from django import template
from django.template import defaultfilters

from config.uk_time import zone_note

register = template.Library()

# Format characters that print the hour (Django's date format syntax); a backslash escapes one.
_HOUR_CHARACTERS = set("GHghfP")


def _shows_hour(format_string: str | None) -> bool:
    escaped = False
    for character in format_string or "":
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in _HOUR_CHARACTERS:
            return True
    return False


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    text = defaultfilters.date(value, arg)
    if text and isinstance(value, datetime) and _shows_hour(arg):
        return f"{text}{zone_note(value)}"
    return text
