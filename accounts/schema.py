"""How the OpenAPI schema describes the API's sign-in: `Authorization: Token <key>`."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class ApiTokenScheme(KnoxTokenScheme):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"
