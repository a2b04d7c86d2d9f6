"""Reads for the thresholds app."""

from django.db.models import Prefetch

from .models import Framework, Indicator, ThresholdAssessment, TriangleSide


def active_frameworks():
    return (
        Framework.objects.filter(active=True)
        .order_by("code")
        .prefetch_related(
            "levels",
            "domains",
            Prefetch("indicators", queryset=Indicator.objects.select_related("level", "domain").order_by("order")),
        )
    )


def active_framework(code=None, *, authority=None):
    """The framework asked for by code; else the one its issuer names the user's authority in
    (Lancashire's for a Lancashire user); else the first."""
    frameworks = Framework.objects.filter(active=True).order_by("code")
    chosen = frameworks.filter(code=code).first() if code else None
    if chosen is None and authority is not None:
        chosen = frameworks.filter(authority__icontains=authority.name).first()
    return chosen or frameworks.first()


def checklist(framework):
    """The framework's indicators grouped for the checklist: per triangle side and domain,
    needs (highest level first) and strengths apart."""
    indicators = list(
        framework.indicators.select_related("level", "domain").order_by("domain__order", "-level__number", "order")
    )
    sides = []
    for side, side_name in TriangleSide.choices:
        domains = []
        for domain in framework.domains.filter(triangle_side=side).order_by("order"):
            mine = [i for i in indicators if i.domain_id == domain.pk]
            needs = [i for i in mine if i.polarity == Indicator.Polarity.NEED]
            strengths = [i for i in mine if i.polarity == Indicator.Polarity.STRENGTH]
            if needs or strengths:
                domains.append({"domain": domain, "needs": needs, "strengths": strengths})
        if domains:
            sides.append({"code": side, "name": side_name, "domains": domains})
    return sides


def assessment_for(user, pk):
    """An assessment for the person who made it (the child's access is checked by the page)."""
    return ThresholdAssessment.objects.select_related("framework", "child").filter(pk=pk, created_by=user).first()
