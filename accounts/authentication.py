"""API authentication: knox's hashed, expiring tokens, loading the user's agency and authority with the token.

Almost every API request asks for the caller's agency and authority (access
rules, routing a contact); one join here saves two queries on each.

The query is written out (built once from the models' metadata) rather than
asked of the ORM: building ApiToken.objects.select_related("user__agency__authority")
cost about a millisecond of CPU on every API request, several times the query
itself. It returns the same rows and the same objects, related rows attached.

As knox does, the token is found by the start of its key (`token_key`) and then
its hash compared in constant time; an expired token is deleted and refused.
`last_used_at` is written at most every few minutes, so most requests stay one query.
"""

import binascii
import functools
from datetime import timedelta
from hmac import compare_digest

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from accounts.models import Agency, ApiToken, Authority, User

LAST_USED_EVERY = timedelta(minutes=5)

# (model, alias, join): the token, its user, the user's agency, the agency's authority.
_CHAIN = (
    (ApiToken, "t", None),
    (User, "u", ("JOIN", "t", ApiToken._meta.get_field("user"))),
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
    token_key = quote(ApiToken._meta.get_field("token_key").column)
    return f"SELECT {', '.join(columns)} FROM {' '.join(joins)} WHERE t.{token_key} = %s"


@functools.cache
def _converters():
    """Per model, [(index, col, converters)] for fields whose database values need converting (dates on SQLite, JSON)."""
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


def _objects(row):
    objects, at = [], 0
    for (model, _alias, _join), converted in zip(_CHAIN, _converters(), strict=True):
        fields = model._meta.concrete_fields
        values = row[at : at + len(fields)]
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


def token_with_user(key: str):
    """The token with this key, its user, agency and authority attached (None if no such token).

    Expired tokens are returned too: the caller decides (TokenAuthentication refuses them).
    """
    try:
        digest = hash_token(key)
    except (TypeError, binascii.Error, UnicodeError):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [key[: CONSTANTS.TOKEN_KEY_LENGTH]])
        rows = cursor.fetchall()
    for row in rows:
        token = _objects(row)
        if compare_digest(token.digest, digest):
            return token
    return None


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <key>`: a person's token from /auth/token/ or a partner system's service token."""

    def authenticate_credentials(self, key):
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.expiry is not None and token.expiry <= now:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return (token.user, token)
