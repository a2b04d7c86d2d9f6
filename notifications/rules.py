"""Timescale rules as data: loading them from the repository file and finding the one in force."""

import tomllib
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q

from .caches import cached, invalidate_on_change
from .models import TimescaleRule

RULES_FILE = Path(__file__).resolve().parent / "data" / "timescales.toml"

# Data-file keys → model fields.
_FIELD_NAMES = {
    "title": "title",
    "source": "source",
    "amount": "amount",
    "unit": "unit",
    "direction": "direction",
    "start_counts": "start_counts",
    "anchor": "anchor_event",
    "stop": "stop_event",
    "responsible_role": "responsible_role",
    "reminders": "reminder_offsets",
    "escalation": "escalation_chain",
    "escalation_every": "escalation_every",
    "reason_required_if_late": "reason_required_if_late",
    "strength": "strength",
    # deadline (the default) | waiting_period: an earliest date, which ends rather than breaches.
    "kind": "kind",
    # true for a timescale listed for reference that no workflow here starts (with the reason why).
    "reference_only": "reference_only",
    "reference_reason": "reference_reason",
}


def read_rules_file(path: Path = RULES_FILE) -> dict[tuple[str, str | None], dict]:
    """{(code, la_code or None): field values} for every default rule and override."""
    data = tomllib.loads(path.read_text())
    defaults = {
        "start_counts": False,
        "kind": "deadline",
        "reference_only": False,
        "reference_reason": "",
        **data.get("defaults", {}),
    }
    rules: dict[tuple[str, str | None], dict] = {}
    for code, spec in data["rules"].items():
        overrides = spec.pop("overrides", {})
        base = {**defaults, **spec}
        rules[(code, None)] = _fields(base)
        for la_code, changes in overrides.items():
            rules[(code, str(la_code))] = _fields({**base, **changes})
    return rules


def _fields(spec: dict) -> dict:
    unknown = set(spec) - set(_FIELD_NAMES)
    if unknown:
        raise ValueError(f"Unknown timescale keys: {sorted(unknown)}")
    return {_FIELD_NAMES[k]: v for k, v in spec.items()}


def sync_rules(rule_model, authority_model, rules: dict | None = None) -> dict[str, int]:
    """Make the database match the file: new rules, and new versions of changed ones.

    Takes the model classes so a migration can pass its historical models.
    Overrides for authorities not in this database are skipped.
    """
    rules = read_rules_file() if rules is None else rules
    # A migration's historical model may predate a field (0003 has no `kind`): set only the fields it has.
    has = {f.name for f in rule_model._meta.get_fields()}
    authorities = {a.la_code: a for a in authority_model.objects.all()}
    counts = {"created": 0, "new_versions": 0, "unchanged": 0, "skipped": 0}
    with transaction.atomic():
        for (code, la_code), values in sorted(rules.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            authority = authorities.get(la_code) if la_code else None
            if la_code and authority is None:
                counts["skipped"] += 1
                continue
            values = {f: v for f, v in values.items() if f in has}
            current = (
                rule_model.objects.select_for_update().filter(code=code, authority=authority, is_current=True).first()
            )
            if current is None:
                rule_model.objects.create(code=code, authority=authority, version=1, **values)
                counts["created"] += 1
            elif any(getattr(current, f) != v for f, v in values.items()):
                current.is_current = False
                current.save(update_fields=["is_current"])
                rule_model.objects.create(code=code, authority=authority, version=current.version + 1, **values)
                counts["new_versions"] += 1
            else:
                counts["unchanged"] += 1
        if counts["created"] or counts["new_versions"]:
            invalidate_on_change()
    return counts


def rule_in_force(code: str, authority=None):
    """The current version for this authority, or the default rule.

    Kept per process (notifications/caches.py) and reloaded whenever a rule changes.
    Treat the returned row as read-only: it is shared by the process's threads.
    """
    authority_id = authority.pk if authority is not None else None
    rule = cached("rules", (code, authority_id), lambda: _load_rule_in_force(code, authority_id))
    if rule is None:
        raise LookupError(f"No timescale rule {code!r}")
    return rule


def _load_rule_in_force(code, authority_id):
    """One query: the authority's override if there is one, else the default."""
    candidates = TimescaleRule.objects.filter(code=code, is_current=True)
    if authority_id is None:
        return candidates.filter(authority__isnull=True).first()
    return (
        candidates.filter(Q(authority_id=authority_id) | Q(authority__isnull=True))
        .select_related("authority")
        .order_by(F("authority_id").asc(nulls_last=True))
        .first()
    )


def rules_in_force(authority=None):
    """Every rule in force for an authority: its overrides, else the defaults."""
    current = TimescaleRule.objects.filter(is_current=True).order_by("code")
    overrides = {r.code: r for r in current.filter(authority=authority)} if authority else {}
    return [overrides.get(r.code, r) for r in current.filter(authority__isnull=True)]
