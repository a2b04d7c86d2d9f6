"""Threshold checklist pages. Rules live in services.py; these only shape the pages.

Pages about a child open it with casework.views.open_child, so every read and write is in
the access log. The public /thresholds/check/ names no child and stores nothing.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import AccessEvent
from casework.pages import attempt, open_child
from referrals.views import journey as referral_journey

from . import selectors, services
from .forms import ChecklistForm, DecisionForm
from .models import Framework, Level

WRITE = AccessEvent.Action.WRITE
ACTION_NAMES = services.ACTION_NAMES


def _may_assess(user):
    if not access.sees_case_content(user) or not user.agency_id:
        raise PermissionDenied


def _framework(request):
    framework = selectors.active_framework(
        request.GET.get("framework") or request.POST.get("framework"),
        authority=request.user.authority if request.user.is_authenticated else None,
    )
    if framework is None:
        raise Http404
    return framework


def _checklist_context(framework, form, **extra):
    frameworks = list(Framework.objects.filter(active=True).order_by("code"))
    selected = set(form["indicators"].value() or []) if form.is_bound else set()
    return {
        "framework": framework,
        "frameworks": frameworks,
        "form": form,
        "sides": selectors.checklist(framework),
        "selected": selected,
        **extra,
    }


def _checklist(request, child=None):
    _may_assess(request.user)
    framework = _framework(request)
    form = ChecklistForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form,
            lambda: services.record_assessment(framework=framework, by=request.user, child=child, **form.answers()),
        )
        if assessment:
            return redirect("threshold-assessment", pk=assessment.pk)
    return render(request, "thresholds/checklist.html", _checklist_context(framework, form, child=child))


@login_required
def checklist_new_contact(request):
    """The checklist for a new contact: no child yet."""
    return _checklist(request)


@login_required
def checklist_for_child(request, pk):
    action = WRITE if request.method == "POST" else AccessEvent.Action.READ  # the page's one access-log row
    child, decision, refusal = open_child(request, pk, what="page:threshold-new", action=action)
    if refusal:
        return refusal
    return _checklist(request, child)


def _open_assessment(request, pk, *, what, action=AccessEvent.Action.READ):
    assessment = selectors.assessment_for(request.user, pk)
    if assessment is None:
        raise Http404
    if assessment.child_id:
        _, _, refusal = open_child(request, assessment.child_id, what=what, action=action)
        if refusal:
            return assessment, refusal
    return assessment, None


def _result_context(
    framework, *, suggested, level_number, selected_codes, reasons, warnings, prompts, actions, urgency, highest
):
    levels = {lv.number: lv for lv in framework.levels.all()}
    chosen = [
        i
        for i in framework.indicators.select_related("level", "domain").order_by("order")
        if i.code in set(selected_codes)
    ]
    return {
        "framework": framework,
        "levels": list(levels.values()),
        "suggested": suggested,
        "suggested_level": levels[suggested],
        "level": levels.get(level_number),
        "needs": [i for i in chosen if i.polarity == "need"],
        "strengths": [i for i in chosen if i.polarity == "strength"],
        "reasons": reasons,
        "warnings": warnings,
        "prompts": prompts,
        "actions": [ACTION_NAMES.get(a, a) for a in actions],
        "urgency": urgency,
        "highest": highest,
        "Route": Level.Route,
    }


@login_required
def assessment_detail(request, pk):
    """The suggested level with its reasons, the practitioner's decision, and where to go next."""
    assessment, refusal = _open_assessment(
        request,
        pk,
        what="page:threshold-assessment",
        action=WRITE if request.method == "POST" else AccessEvent.Action.READ,
    )
    if refusal:
        return refusal
    framework = assessment.framework
    levels = list(framework.levels.all())
    initial = {
        "final_level": assessment.final_level or assessment.suggested_level,
        "rationale": assessment.rationale,
        "consulted": assessment.consulted,
        "consent": assessment.consent,
        "consent_reason": assessment.consent_reason,
    }
    form = DecisionForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form, lambda: services.record_decision(assessment=assessment, by=request.user, **form.cleaned_data)
        )
        if done:
            return redirect("threshold-assessment", pk=assessment.pk)
    context = _result_context(
        framework,
        suggested=assessment.suggested_level,
        level_number=assessment.final_level,
        selected_codes=list(assessment.indicators.values_list("code", flat=True)),
        reasons=assessment.reasons,
        warnings=assessment.warnings,
        prompts=assessment.prompts,
        actions=assessment.actions,
        urgency=assessment.urgency,
        highest=assessment.highest_indicator_level,
    )
    context.update(
        {
            "assessment": assessment,
            "child": assessment.child,
            "form": form,
            "decided": assessment.final_level is not None,
        }
    )
    return render(request, "thresholds/result.html", context)


@login_required
@require_POST
def start_contact(request, pk):
    """Start a contact to MASH prefilled from a decided top-level assessment: the referral
    journey's own session answers (referrals.views.journey `keep_answers`), then its concerns page."""
    referral_journey.may_refer(request.user)
    assessment, refusal = _open_assessment(request, pk, what="page:threshold-start-contact")
    if refusal:
        return refusal
    try:
        prefill = services.contact_prefill(assessment)
    except ValidationError as error:
        raise Http404 from error
    referral_journey.keep_answers(request, prefill)
    return redirect(reverse(referral_journey.STEP_URL["concerns" if assessment.child_id else "child"]))


@login_not_required
def public_check(request):
    """The checklist for partner professionals, without signing in: nothing is stored and no
    child is named. The result says where to call or refer."""
    framework = _framework(request)
    form = ChecklistForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        codes = answers.pop("indicator_codes")
        suggestion = services.suggest_level(services.snapshot(framework), codes, **answers)
        context = _result_context(
            framework,
            suggested=suggestion.level,
            level_number=suggestion.level,
            selected_codes=codes,
            reasons=suggestion.reasons,
            warnings=suggestion.warnings,
            prompts=suggestion.prompts,
            actions=suggestion.actions,
            urgency=suggestion.urgency,
            highest=suggestion.highest_indicator_level,
        )
        return render(request, "thresholds/public_result.html", context)
    return render(request, "thresholds/checklist.html", _checklist_context(framework, form, public=True))
