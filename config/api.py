"""What the whole /api/v1/ shares: record ids in URLs, refusing NUL bytes (the JSON parser: config.api_parsers).

The API answers bad input with a 4xx and a JSON body, never a 500: a record id that is not a
number (or too big to be one of ours) is 404 like any other missing record; JSON nested deeper
than anyone sends is 400; a NUL byte in a query parameter, which PostgreSQL cannot store or
compare, is 400 with the parameter named.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import register_converter
from rest_framework.routers import DefaultRouter

# Ids are PostgreSQL bigints; 18 digits always fit in one, so a longer id cannot be a record's.
RECORD_ID_DIGITS = 18
RECORD_ID_MAX = 10**RECORD_ID_DIGITS - 1

NUL_REFUSAL = "Null characters are not allowed."


class RecordIdConverter:
    """A record's id in a URL: digits only, at most 18 of them (anything else does not match: 404)."""

    regex = f"[0-9]{{1,{RECORD_ID_DIGITS}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(RecordIdConverter, "record_id")


class ApiRouter(DefaultRouter):
    """The API's router: every `{id}` in a URL is a record id (RecordIdConverter)."""

    # No `.json` suffixes: JSON is the only format, and the suffixed paths would double the schema.
    include_format_suffixes = False

    def __init__(self, **kwargs):
        super().__init__(use_regex_path=False, **kwargs)
        # DRF's converter for a viewset that names none (`lookup_value_converter`): set here once
        # rather than on every viewset, so a new one cannot forget it.
        self._default_value_pattern = "record_id"


def nul_in_query(request):
    """The first query parameter whose name or value holds a NUL byte, or None."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "") or "query"
    return None


class RefuseNulBytesMiddleware:
    """A NUL byte in a query parameter answers 400 before any view sees it.

    PostgreSQL refuses text holding NUL (the driver raises), so a search or filter given one
    would fail as a server error. Forms and serializers already refuse NUL in bodies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = nul_in_query(request)
        if name is not None:
            if request.path.startswith("/api/"):
                return JsonResponse({name: [NUL_REFUSAL]}, status=400)
            return HttpResponseBadRequest(NUL_REFUSAL)
        return self.get_response(request)


def json_error(status, detail):
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


__all__ = ["ApiRouter", "RefuseNulBytesMiddleware", "json_error"]
