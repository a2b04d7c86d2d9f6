from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from .organisation import Role


class ApiToken(AbstractAuthToken):
    """An API key, stored only as its hash (knox's `digest`; `token_key` is the start of the key, to find it).

    A person's token comes from signing in at /api/v1/auth/token/: it carries that person's own
    rights, expires (`API_TOKEN_HOURS`), and ends when they sign out or change their password.
    A service account's token is made by an administrator for one partner system: named, limited
    to its scopes, and lasting until it is revoked (or its expiry, if one was given).

    A token that ends is deleted; the admin's history records who revoked a service token.
    """

    # A plain id to name a token on pages and in forms, so neither the key nor its hash is shown.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, blank=True, help_text="The partner system that uses this token")
    scopes = models.JSONField(
        default=list, blank=True, help_text="What a service token may do, e.g. read, contacts:write"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name or 'Signed in through the API'} ({self.user})"

    @property
    def limited_to_scopes(self) -> bool:
        """A partner system's token does only what its scopes say; a person's carries their rights."""
        return self.user.role == Role.SERVICE_ACCOUNT or bool(self.scopes)
