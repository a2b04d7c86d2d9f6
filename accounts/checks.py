from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def anchor_key_is_set(app_configs, **kwargs):
    """A key derived from SECRET_KEY would let anyone holding SECRET_KEY sign anchors, and changes with it."""
    if settings.AUDIT_ANCHOR_KEY_IS_DERIVED:
        return [
            Error(
                "AUDIT_ANCHOR_KEY is not set.",
                hint="Set AUDIT_ANCHOR_KEY to a long random value kept outside the database; it signs the access log's anchors.",
                id="accounts.E001",
            )
        ]
    return []
