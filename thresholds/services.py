"""Threshold frameworks: loading them from data, suggesting a level, and recording decisions.

Every business rule of the thresholds app is here. The rule engine (`suggest_level`) is a
pure function over a framework snapshot (`snapshot`, plain data) and the answers; its rules
follow levels-of-need notes §7.3 and are configured per framework in `Framework.rules`:

R0  significant harm suspected (a screening answer) -> the top level, immediately.
R1  a selected indicator with a sole-trigger flag (`rules.sole_trigger_flags`, e.g. significant
    harm) -> that indicator's level on its own; `rules.immediate_flags` make it urgent.
R2  quantitative rules (`rules.quantitative`, e.g. missing 3 or more times in 90 days) -> a
    level floor and actions.
R3  cumulative: from the top level down, the first level L where the need indicators at
    level L or above number at least L.min_indicators and cover at least L.min_domains
    triangle sides (or domains: `rules.count_domains_by`).
R4  floor (`rules.policy = "cumulative_with_floor"`): an indicator at level H above the
    cumulative level lifts the suggestion to H - 1, with a warning to consider H.
    `"highest_wins"` suggests H instead.
R5  no need indicators -> level 1, no referral needed.
R6  the suggestion is the highest of these; reasons list every rule that fired.
R7  advice only: `review` indicators prompt a review of the child protection decision and
    count for no level; the step-up check (`rules.step_up_check_level`) warns when no early
    help assessment is on record.
"""

import csv
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casework.text import day_text

from .models import Domain, Framework, Indicator, Level, ThresholdAssessment

DATA_DIR = Path(__file__).resolve().parent / "data"
FRAMEWORKS_FILE = DATA_DIR / "frameworks.toml"
INDICATORS_FILE = DATA_DIR / "indicators.csv"

FLAG_NAMES = {
    "significant_harm": "significant harm on its own",
    "sh_risk": "risk of significant harm on its own",
    "statutory": "a statutory duty on its own",
    "prebirth": "an unborn child with earlier children removed",
    "quantitative": "a counted threshold",
    "review": "prompts a review of the child protection decision",
}
ACTION_NAMES = {
    "strategy_meeting": "Hold a strategy meeting",
    "consider_cin": "Consider a child in need assessment",
    "prebirth_assessment": "Complete a pre-birth assessment",
    "review_cp_decision": "Review the child protection decision",
}


class ThresholdDataError(Exception):
    """The data files are incomplete or inconsistent: loading stops and nothing changes."""


# --- Loading the frameworks from data -------------------------------------------------------------


def read_data(frameworks_file=FRAMEWORKS_FILE, indicators_file=INDICATORS_FILE) -> list[dict]:
    """The frameworks in the data files, checked: every indicator row has a label, a known
    framework, level and domain, and ids are unique. Raises ThresholdDataError otherwise."""
    with open(frameworks_file, "rb") as f:
        frameworks = tomllib.load(f)["framework"]
    by_code = {fw["code"]: {**fw, "indicators": []} for fw in frameworks}
    seen, problems = set(), []
    with open(indicators_file, newline="", encoding="utf-8") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            code = (row.get("id") or "").strip()
            where = f"{indicators_file.name} line {number} ({code or 'no id'})"
            fw = by_code.get(row.get("framework"))
            if not code:
                problems.append(f"{where}: no id")
            elif code in seen:
                problems.append(f"{where}: id used twice")
            elif fw is None:
                problems.append(f"{where}: unknown framework {row.get('framework')!r}")
            elif not (row.get("label") or "").strip():
                problems.append(f"{where}: no label")
            elif int(row["level"]) not in {lv["number"] for lv in fw["level"]}:
                problems.append(f"{where}: unknown level {row['level']}")
            elif row["domain_code"] not in {d["code"] for d in fw["domain"]}:
                problems.append(f"{where}: unknown domain {row['domain_code']}")
            elif row["polarity"] not in Indicator.Polarity.values:
                problems.append(f"{where}: unknown polarity {row['polarity']}")
            else:
                fw["indicators"].append(
                    {
                        "code": code,
                        "level": int(row["level"]),
                        "domain": row["domain_code"],
                        "label": row["label"].strip(),
                        "help_text": (row.get("help_text") or "").strip(),
                        "polarity": row["polarity"],
                        "flags": [f for f in (row.get("flags") or "").split(";") if f],
                        "source_file": row["source_file"],
                        "source_line": row["line"],
                    }
                )
            seen.add(code)
    if problems:
        raise ThresholdDataError("Threshold data is not complete:\n" + "\n".join(problems))
    return list(by_code.values())


def check_labels_cover(source_csv, indicators_file=INDICATORS_FILE):
    """Every id in the source indicator list has a label in our data file (else ThresholdDataError)."""
    with open(source_csv, newline="", encoding="utf-8") as f:
        wanted = [row["id"] for row in csv.DictReader(f)]
    with open(indicators_file, newline="", encoding="utf-8") as f:
        labelled = {row["id"] for row in csv.DictReader(f) if (row.get("label") or "").strip()}
    missing = [code for code in wanted if code not in labelled]
    if missing:
        raise ThresholdDataError(f"{len(missing)} indicators have no label: {', '.join(missing[:20])}")
    return len(wanted)


def _content_hash(fw: dict) -> str:
    return hashlib.sha256(json.dumps(fw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_frameworks(
    frameworks=None, *, framework_model=Framework, level_model=Level, domain_model=Domain, indicator_model=Indicator
):
    """Bring the database in line with the data files; idempotent.

    A framework whose content is unchanged is left alone; a changed one gets a new version
    (the old one stays, inactive, for the assessments that used it). The models can be given
    so a migration can pass its historical ones. Returns counts.
    """
    frameworks = read_data() if frameworks is None else frameworks
    counts = {"unchanged": 0, "new_versions": 0, "indicators_loaded": 0}
    with transaction.atomic():
        for fw in frameworks:
            digest = _content_hash(fw)
            latest = framework_model.objects.filter(code=fw["code"]).order_by("-version").first()
            if latest is not None and latest.content_hash == digest:
                if not latest.active:
                    framework_model.objects.filter(pk=latest.pk).update(active=True)
                counts["unchanged"] += 1
                continue
            framework_model.objects.filter(code=fw["code"]).update(active=False)
            version = framework_model.objects.create(
                code=fw["code"],
                version=(latest.version + 1) if latest else 1,
                name=fw["name"],
                authority=fw["authority"],
                statutory_guidance=fw.get("statutory_guidance", ""),
                source_file=fw.get("source_file", ""),
                active=True,
                rules=fw.get("rules", {}),
                content_hash=digest,
            )
            levels = {
                lv["number"]: level_model.objects.create(
                    framework=version,
                    number=lv["number"],
                    name=lv["name"],
                    meaning=lv["meaning"],
                    who_responds=lv["who_responds"],
                    where_to_go=lv["where_to_go"],
                    form_name=lv.get("form", ""),
                    route=lv["route"],
                    consent_policy=lv["consent"],
                    contact_route=lv["contact"],
                    min_indicators=lv.get("min_indicators", 1),
                    min_domains=lv.get("min_domains", 1),
                    source_lines=lv.get("source", ""),
                )
                for lv in fw["level"]
            }
            domains = {
                d["code"]: domain_model.objects.create(
                    framework=version, code=d["code"], name=d["name"], triangle_side=d["side"], order=i
                )
                for i, d in enumerate(fw["domain"])
            }
            made = indicator_model.objects.bulk_create(
                [
                    indicator_model(
                        framework=version,
                        level=levels[ind["level"]],
                        domain=domains[ind["domain"]],
                        code=ind["code"],
                        label=ind["label"],
                        help_text=ind["help_text"],
                        polarity=ind["polarity"],
                        flags=ind["flags"],
                        source_file=ind["source_file"],
                        source_line=ind["source_line"],
                        order=i,
                    )
                    for i, ind in enumerate(fw["indicators"])
                ]
            )
            if indicator_model.objects.filter(framework=version).count() != len(fw["indicators"]):
                raise ThresholdDataError(f"{fw['code']}: not every indicator was loaded")
            counts["new_versions"] += 1
            counts["indicators_loaded"] += len(made)
    return counts


# --- The rule engine (pure) -----------------------------------------------------------------------


def snapshot(framework: Framework) -> dict:
    """The framework as plain data for the rule engine."""
    return {
        "code": framework.code,
        "version": framework.version,
        "rules": framework.rules or {},
        "levels": {
            lv.number: {"name": lv.name, "min_indicators": lv.min_indicators, "min_domains": lv.min_domains}
            for lv in framework.levels.all()
        },
        "indicators": {
            ind.code: {
                "level": ind.level.number,
                "domain": ind.domain.code,
                "side": ind.domain.triangle_side,
                "polarity": ind.polarity,
                "flags": list(ind.flags),
                "label": ind.label,
            }
            for ind in framework.indicators.select_related("level", "domain")
        },
    }


@dataclass
class Suggestion:
    level: int
    highest_indicator_level: int | None
    urgency: str = "routine"
    reasons: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    prompts: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    sole_trigger: bool = False
    unknown: list = field(default_factory=list)


def _quantity_matches(rule, value):
    return value is not None and value >= rule.get("min", 0) and ("max" not in rule or value <= rule["max"])


def suggest_level(
    data: dict, codes, *, significant_harm_suspected=False, missing_episodes_90d=None, has_early_help_assessment=False
) -> Suggestion:
    """The suggested level for these indicator codes, with the reasons (rules R0–R7 above)."""
    rules, levels, known = data["rules"], data["levels"], data["indicators"]
    top, bottom = max(levels), min(levels)
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in known]
    chosen = {c: known[c] for c in codes if c in known}
    needs = {c: i for c, i in chosen.items() if i["polarity"] == "need" and "review" not in i["flags"]}
    strengths = [c for c, i in chosen.items() if i["polarity"] == "strength"]
    reviews = [c for c, i in chosen.items() if "review" in i["flags"]]
    highest = max((i["level"] for i in needs.values()), default=None)
    out = Suggestion(level=bottom, highest_indicator_level=highest, unknown=unknown)
    candidates = []

    def label(code):
        return f"{known[code]['label']} ({code})"

    # R0
    if significant_harm_suspected:
        candidates.append(top)
        out.urgency, out.sole_trigger = "immediate", True
        out.reasons.append(f"You suspect significant harm: go straight to level {top}")
    # R1
    sole_flags, immediate_flags = set(rules.get("sole_trigger_flags", [])), set(rules.get("immediate_flags", []))
    for code, ind in needs.items():
        fired = sole_flags & set(ind["flags"])
        if fired:
            candidates.append(ind["level"])
            out.sole_trigger = True
            names = ", ".join(FLAG_NAMES.get(f, f) for f in sorted(fired))
            out.reasons.append(f"{label(code)} is level {ind['level']} on its own ({names})")
            if immediate_flags & fired:
                out.urgency = "immediate"
            if "prebirth" in fired and "prebirth_assessment" not in out.actions:
                out.actions.append("prebirth_assessment")
    # R2
    for rule in rules.get("quantitative", []):
        value = {"missing_episodes_90d": missing_episodes_90d}.get(rule["measure"])
        if _quantity_matches(rule, value):
            candidates.append(rule["level"])
            out.reasons.append(f"Level {rule['level']} at least: {rule['reason']}")
            out.actions.extend(a for a in rule.get("actions", []) if a not in out.actions)
    # R3
    by = "domain" if rules.get("count_domains_by") == "domain" else "side"
    cumulative = None
    for number in sorted(levels, reverse=True):
        at_or_above = [i for i in needs.values() if i["level"] >= number]
        spread = {i[by] for i in at_or_above}
        if (
            at_or_above
            and len(at_or_above) >= levels[number]["min_indicators"]
            and len(spread) >= levels[number]["min_domains"]
        ):
            cumulative = number
            area = (
                ("area" if by == "domain" else "side of the assessment triangle")
                if len(spread) == 1
                else ("areas" if by == "domain" else "sides of the assessment triangle")
            )
            out.reasons.append(
                f"{len(at_or_above)} of the needs you selected are at level {number} or above, across {len(spread)} {area} "
                f"(level {number} needs {levels[number]['min_indicators']} across {levels[number]['min_domains']})"
            )
            break
    if cumulative is not None:
        candidates.append(cumulative)
    # R4
    if highest is not None and highest > (cumulative or bottom):
        if rules.get("policy") == "highest_wins":
            candidates.append(highest)
            out.reasons.append(
                f"A level {highest} need is selected, and this framework suggests the highest level selected"
            )
        else:
            candidates.append(max(cumulative or bottom, highest - 1))
            if max(candidates) < highest:
                out.warnings.append(f"A level {highest} need is present: consider level {highest}")
    # R5
    if not needs and not candidates:
        out.reasons.append(
            "No needs selected" + (" (strengths only)" if strengths else "") + f": level {bottom}, no referral needed"
        )
    # R6
    out.level = max(candidates, default=bottom)
    # R7
    for code in reviews:
        out.prompts.append(f"{label(code)}: review the child protection decision. This does not set a level by itself.")
        if "review_cp_decision" not in out.actions:
            out.actions.append("review_cp_decision")
    step_up = rules.get("step_up_check_level")
    if step_up and out.level == step_up and not out.sole_trigger and not has_early_help_assessment:
        out.warnings.append(
            f"Before asking for level {step_up} help, work with the family through an early help assessment (CAF) and a multi-agency meeting"
        )
    if strengths:
        out.prompts.append(f"{len(strengths)} strengths selected: weigh them in your decision")
    return out


# --- Decisions, routing and consent ---------------------------------------------------------------


def consent_errors(*, level_policy, consent, consent_reason, significant_harm):
    """§3.3 C1/C3/C7: the consent problems with a decision (a dict of field -> message)."""
    reason = (consent_reason or "").strip()
    if level_policy == Level.Consent.REQUIRED and not significant_harm:
        if not consent:
            return {"consent": "Say whether the family agreed"}
        if consent == ThresholdAssessment.Consent.REFUSED:
            return {
                "consent": "This level needs the family's consent and it was refused. You can ask the front door for advice without naming the family."
            }
        if consent == ThresholdAssessment.Consent.NOT_SOUGHT and not reason:
            return {"consent_reason": "Say how asking for consent would put the child at risk"}
        return {}
    if consent in (ThresholdAssessment.Consent.REFUSED, ThresholdAssessment.Consent.NOT_SOUGHT) and not reason:
        return {
            "consent_reason": "Give the lawful basis for sharing without consent, and whether the family will be told"
        }
    return {}


def _framework_or_error(code, framework=None):
    if framework is not None:
        return framework
    fw = Framework.objects.filter(code=code, active=True).first()
    if fw is None:
        raise ValidationError({"framework": "Choose a threshold framework"})
    return fw


@transaction.atomic
def record_assessment(
    *,
    framework,
    by,
    indicator_codes,
    child=None,
    significant_harm_suspected=False,
    missing_episodes_90d=None,
    has_early_help_assessment=False,
) -> ThresholdAssessment:
    """Store a checklist and its suggested level, pinned to this framework version."""
    if not by.agency_id:
        raise PermissionDenied("Only a user of an agency can record a threshold assessment")
    data = snapshot(framework)
    suggestion = suggest_level(
        data,
        indicator_codes,
        significant_harm_suspected=significant_harm_suspected,
        missing_episodes_90d=missing_episodes_90d,
        has_early_help_assessment=has_early_help_assessment,
    )
    if suggestion.unknown:
        raise ValidationError({"indicators": f"Unknown indicators: {', '.join(suggestion.unknown)}"})
    assessment = ThresholdAssessment.objects.create(
        framework=framework,
        child=child,
        created_by=by,
        significant_harm_suspected=significant_harm_suspected,
        missing_episodes_90d=missing_episodes_90d,
        has_early_help_assessment=has_early_help_assessment,
        suggested_level=suggestion.level,
        highest_indicator_level=suggestion.highest_indicator_level,
        urgency=suggestion.urgency,
        reasons=suggestion.reasons,
        warnings=suggestion.warnings,
        prompts=suggestion.prompts,
        actions=suggestion.actions,
        sole_trigger=suggestion.sole_trigger,
    )
    assessment.indicators.set(Indicator.objects.filter(framework=framework, code__in=indicator_codes))
    return assessment


@transaction.atomic
def record_decision(
    *, assessment, by, final_level, rationale="", consulted="", consent="", consent_reason=""
) -> ThresholdAssessment:
    """The practitioner's level (§7.4 O1–O3) and the consent for its route (§3.3).

    A decision is final (§7.4 O5: decisions are kept as made): to change it, complete a new
    checklist, which keeps this one and its reasons beside it.
    """
    if assessment.created_by_id != by.pk:
        raise PermissionDenied("Only the person who completed the checklist can decide the level")
    locked = ThresholdAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.decided_at is not None:
        raise ValidationError(
            {
                "final_level": f"Level {locked.final_level} was recorded on {day_text(timezone.localtime(locked.decided_at))}. "
                "To change it, complete a new checklist."
            }
        )
    level = assessment.framework.levels.filter(number=final_level).first()
    errors = {}
    if level is None:
        errors["final_level"] = "Choose a level"
    else:
        if final_level != assessment.suggested_level and not (rationale or "").strip():
            errors["rationale"] = (
                f"Explain why you chose level {final_level} rather than the suggested level {assessment.suggested_level}"
            )
        if assessment.sole_trigger and final_level < assessment.suggested_level and not (consulted or "").strip():
            errors["consulted"] = (
                "Say which safeguarding lead, duty social worker or MASH worker you consulted before choosing a lower level"
            )
        if level.route != Level.Route.UNIVERSAL:
            errors.update(
                consent_errors(
                    level_policy=level.consent_policy,
                    consent=consent,
                    consent_reason=consent_reason,
                    significant_harm=assessment.sole_trigger,
                )
            )
    if errors:
        raise ValidationError(errors)
    assessment.final_level = final_level
    assessment.rationale = (rationale or "").strip()
    assessment.consulted = (consulted or "").strip()
    assessment.consent = consent if level.route != Level.Route.UNIVERSAL else ""
    assessment.consent_reason = (consent_reason or "").strip() if consent != ThresholdAssessment.Consent.GIVEN else ""
    assessment.decided_at = timezone.now()
    assessment.save()
    return assessment


def level_of(assessment, number=None):
    return assessment.framework.levels.get(number=number or assessment.final_level or assessment.suggested_level)


def contact_prefill(assessment) -> dict:
    """The referral journey's answers for a contact to MASH from this assessment (§7.5):
    the child, the selected needs as the concerns and the level. Only for a decided top level."""
    level = level_of(assessment)
    if assessment.final_level is None or level.route != Level.Route.MASH:
        raise ValidationError("Only a decided level with the MASH route can start a contact")
    needs = [
        i
        for i in assessment.indicators.select_related("level").order_by("order")
        if i.polarity == Indicator.Polarity.NEED
    ]
    lines = [
        f"Threshold checklist ({assessment.framework.name}, version {assessment.framework.version}): "
        f"level {assessment.final_level} ({level.name}), suggested level {assessment.suggested_level}."
    ]
    lines += [f"- {i.label} (level {i.level.number}, {i.code})" for i in needs]
    if assessment.rationale:
        lines.append(f"Practitioner's rationale: {assessment.rationale}")
    referral = {
        "household": [],
        "concerns": {
            "concerns": "\n".join(lines),
            "categories": [],
            "referrer_level": str(min(assessment.final_level, 4)),
        },
        "threshold_assessment": assessment.pk,
    }
    if assessment.consent:
        referral["consent"] = {"consent": assessment.consent, "consent_reason": assessment.consent_reason}
    if assessment.child_id:
        referral["child"] = {"id": assessment.child_id}
    return referral
