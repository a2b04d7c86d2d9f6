"""The API's JSON parser (settings REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

Kept apart from config.api: DRF imports its parsers while it sets up its views, so this
module must not import anything that needs those views.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser

# The deepest JSON a request may carry: our bodies nest three levels at most (a contact's
# referrer, a conference's attendance); 32 leaves room and stops Python's recursion limit.
MAX_JSON_DEPTH = 32


def _depth_exceeds(data, limit):
    """True when `data` nests lists/objects deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(DrfJSONParser):
    """DRF's JSON parser, refusing (400) JSON nested deeper than MAX_JSON_DEPTH instead of overflowing the stack."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The overflow's thousand frames say nothing the message does not.
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep") from None
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep")
        return data
