"""API authentication: DRF's token scheme, loading the user's agency and authority with the token.

Almost every API request asks for the caller's agency and authority (access
rules, routing a contact); one join here saves two queries on each.

The query is written out (built once from the models' metadata) rather than
asked of the ORM: building Token.objects.select_related("user__agency__authority")
cost about a millisecond of CPU on every API request, several times the query
itself. It returns the same rows and the same objects, related rows attached.
"""

import functools

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import Agency, Authority, User

# (model, alias, join): Token, its user, the user's agency, the agency's authority.
_CHAIN = (
    (Token, "t", None),
    (User, "u", ("JOIN", "t", Token._meta.get_field("user"))),
    (Agency, "ag", ("LEFT JOIN", "u", User._meta.get_field("agency"))),
    (Authority, "au", ("LEFT JOIN", "ag", Agency._meta.get_field("authority"))),
)


@functools.cache
def _token_sql() -> str:
    quote = connection.ops.quote_name
    columns, joins = [], []
    for model, alias, join in _CHAIN:
        meta = model._meta
        columns += [f"{alias}.{quote(f.column)}" for f in meta.concrete_fields]
        if join:
            kind, from_alias, field = join
            joins.append(
                f"{kind} {quote(meta.db_table)} {alias} ON {alias}.{quote(meta.pk.column)} = {from_alias}.{quote(field.column)}"
            )
        else:
            joins.append(f"{quote(meta.db_table)} {alias}")
    key = quote(Token._meta.get_field("key").column)
    return f"SELECT {', '.join(columns)} FROM {' '.join(joins)} WHERE t.{key} = %s"


@functools.cache
def _converters():
    """Per model, [(index, field, col, converters)] for fields whose database values need converting (none today)."""
    found = []
    for model, _alias, _join in _CHAIN:
        fields = []
        for index, field in enumerate(model._meta.concrete_fields):
            col = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if converters:
                fields.append((index, col, converters))
        found.append(fields)
    return found


def token_with_user(key):
    """The token with this key, its user, agency and authority attached (None if no such token)."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, at = [], 0
    for (model, _alias, _join), converted in zip(_CHAIN, _converters()):
        fields = model._meta.concrete_fields
        values = row[at: at + len(fields)]
        at += len(fields)
        if converted:
            values = list(values)
            for index, col, converters in converted:
                for converter in converters:
                    values[index] = converter(values[index], col, connection)
        pk = values[[f.attname for f in fields].index(model._meta.pk.attname)]
        objects.append(None if pk is None else model.from_db(connection.alias, [f.attname for f in fields], values))
    token, user, agency, authority = objects
    if agency is not None:
        agency.authority = authority
    user.agency = agency
    token.user = user
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if self.get_model() is not Token:  # a different token model: DRF's own lookup
            return self._orm_credentials(key)
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)

    def _orm_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__agency__authority").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
