"""The OpenAPI schema's error answers, documented once for every operation.

The bodies are DRF's own shapes, unchanged: `{"detail": "..."}` for a refusal of the whole
request, and field errors `{"field": ["message", ...]}` (nested for nested fields,
`non_field_errors` for the body as a whole) for input that is not valid.

Every operation may answer 400 (a query parameter or body that is not valid), 401 (no or a bad
token), 403 (a role that may not do this) and 404 (a record that does not exist or that the
caller may not see: the two look the same). Writes may also answer 409 (the record changed
since the `version` sent, or is no longer in a state that allows the change) and, with a body,
415 (a body that is not JSON, a form or multipart).
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "A refusal of the whole request.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Input that is not valid: each field named with a list of messages (an object of its own "
        "fields' messages for a nested field), `non_field_errors` for the body as a whole, or `detail` "
        "when the body could not be read.",
        "additionalProperties": {"oneOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}]},
    },
}

# For a view's own answers in the same shape (e.g. 422), once some operation has registered it.
FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
ERROR = {"$ref": "#/components/schemas/Error"}

ANSWERS = {
    "400": ("FieldErrors", "Input that is not valid"),
    "401": ("Error", "No token, or a token that is not valid"),
    "403": ("Error", "Your role may not do this"),
    "404": ("Error", "No such record, or one you may not see"),
    "409": ("FieldErrors", "The record changed since the `version` you sent, or no longer allows this"),
    "415": ("Error", "The body is not JSON"),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _shown_blank(field):
    """True for a read-only choice whose model field may be blank: the answer then carries "" ("not
    recorded yet"), which DRF's read-only field no longer says (it drops `allow_blank`)."""
    if not (isinstance(field, serializers.ChoiceField) and field.read_only) or field.allow_blank:
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the error answers and a view's `list_parameters` to its lists."""

    def _error_codes(self):
        codes = ["400", "401", "403", "404"]
        if self.method in WRITES:
            codes.append("409")
            if self.method != "DELETE":
                codes.append("415")
        return codes

    def _error_ref(self, name):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMAS[name], object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            name, description = ANSWERS[code]
            answer = responses.setdefault(code, {"description": description})
            # An error declared on a view with only a description gets its body's shape.
            answer.setdefault("content", {"application/json": {"schema": self._error_ref(name)}})
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if _shown_blank(field):
            field = copy.copy(field)
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # DRF checks a nested list's `max_length` itself; drf-spectacular does not show it.
        if (
            direction == "request"
            and isinstance(field, serializers.ListSerializer)
            and field.max_length is not None
            and schema.get("type") == "array"
        ):
            schema["maxItems"] = field.max_length
        return schema

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_list_view() and self.method == "GET":
            named = {getattr(p, "name", None) for p in parameters}
            parameters += [p for p in getattr(self.view, "list_parameters", ()) if p.name not in named]
        return parameters
