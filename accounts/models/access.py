"""Records of who may see a child beyond their agency's work, and of every access."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermissionBase


class ChildUserObjectPermission(UserObjectPermissionBase):
    """An explicit per-child grant (django-guardian, direct foreign key).

    For example a CSC team manager lets a CYJS practitioner see a child for
    joint work. A grant carries its reason and may expire.
    """

    content_object = models.ForeignKey("casework.Child", on_delete=models.CASCADE, related_name="user_grants")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "per-child access grant"
        indexes = [models.Index(fields=["user", "content_object"], name="grant_user_child_idx")]


class BreakGlassAccess(models.Model):
    """Emergency, time-limited access a user gave themselves, with a reason.

    The user's line manager is told, and a manager marks it reviewed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass accesses"
        indexes = [models.Index(fields=["user", "child", "expires_at"], name="breakglass_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")), name="breakglass_expires_after_start"
            )
        ]

    def __str__(self):
        when = timezone.localtime(self.started_at)
        return f"Break-glass by {self.user} to child {self.child_id}, {when:%-d %b %Y %H:%M}"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None


class AccessEvent(models.Model):
    """One read or write of a child's record, or one search.

    Append-only: database triggers refuse UPDATE, DELETE and TRUNCATE
    (migrations 0003 and 0005). Each row's hash covers its content and the
    previous row's hash, so `manage.py audit_verify` finds any row altered
    behind the triggers' back; signed anchors (`AccessLogAnchor`) pin the end.
    Foreign keys carry no database constraint so the log outlives what it names.
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"
        SEARCH = "search", "Search"

    class Purpose(models.TextChoices):
        NORMAL = "normal", "Normal work"
        ADMIN = "admin", "Administration"
        GRANT = "grant", "Explicit grant"
        BREAK_GLASS = "break_glass", "Break-glass"
        NONE = "none", "No basis"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    username = models.CharField(max_length=150)
    child = models.ForeignKey(
        "casework.Child", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=100, help_text="Page, section or API endpoint.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.TextField(blank=True)
    # Unique: two rows can never claim the same predecessor, so the chain cannot fork.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    GENESIS_HASH = "0" * 64

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["child", "-occurred_at"], name="access_child_time_idx")]

    def __str__(self):
        of_child = f" of child {self.child_id}" if self.child_id else ""
        when = timezone.localtime(self.occurred_at)
        return f"{self.get_action_display()}{of_child} by {self.username}, {when:%-d %b %Y %H:%M}"

    def canonical_content(self) -> str:
        return json.dumps(
            {
                "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
                "user": self.user_id,
                "username": self.username,
                "child": self.child_id,
                "action": self.action,
                "what": self.what,
                "purpose": self.purpose,
                "outcome": self.outcome,
                "detail": self.detail,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content().encode()).hexdigest()


class AccessLogAnchor(models.Model):
    """The access log's end at one moment, signed with a key kept outside the database.

    A chain can be rewritten from any row onwards, or cut short, and still link up;
    an anchor made before that names a row and hash that are then gone. Written every
    few minutes by `accounts.anchors.anchor_access_log`, here and to a file outside
    the database. Append-only, like the log (migration 0005).
    """

    anchored_at = models.DateTimeField()
    last_event_id = models.BigIntegerField()
    # One anchor per end of the log, so a doubled tick writes nothing twice.
    last_hash = models.CharField(max_length=64, unique=True)
    event_count = models.BigIntegerField(help_text="Rows up to and including the last one.")
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-last_event_id"]
        verbose_name = "access log anchor"

    def __str__(self):
        return f"Rows up to {self.last_event_id}, anchored {self.anchored_at:%d %b %Y %H:%M}"

    def signed_content(self) -> str:
        return json.dumps(
            {
                "anchored_at": self.anchored_at.astimezone(UTC).isoformat(),
                "last_event_id": self.last_event_id,
                "last_hash": self.last_hash,
                "event_count": self.event_count,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
