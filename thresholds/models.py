"""Threshold frameworks (levels of need) as versioned data, and the assessments made with them.

A framework row is one *version*: the loader never edits a loaded version's content, it adds
a new version when the data file changed. An assessment points at the version it used.
"""

from django.conf import settings
from django.db import models


class TriangleSide(models.TextChoices):
    CDN = "CDN", "Child's developmental needs"
    PC = "PC", "Parenting capacity"
    FEF = "FEF", "Family and environmental factors"


class Framework(models.Model):
    code = models.CharField(max_length=20)  # "LAN", "CBC": the same across versions
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    authority = models.CharField(max_length=200, help_text="The authority or partnership that issued it.")
    statutory_guidance = models.CharField(max_length=100, blank=True)
    source_file = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    rules = models.JSONField(default=dict, help_text="Rule settings for the suggested level (thresholds/services.py).")
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="threshold_framework_unique_version")]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class Level(models.Model):
    class Route(models.TextChoices):
        UNIVERSAL = "universal", "Universal services"
        EARLY_HELP = "early_help", "Early help"
        MASH = "mash", "Contact to MASH"

    class Consent(models.TextChoices):
        REQUIRED = "required", "Consent required"
        NOT_REQUIRED_INFORM = "not_required_inform", "Consent not required; inform the family where safe"

    framework = models.ForeignKey(Framework, related_name="levels", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    meaning = models.TextField()
    who_responds = models.TextField()
    where_to_go = models.TextField()
    form_name = models.CharField(max_length=120, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices)
    consent_policy = models.CharField(max_length=30, choices=Consent.choices)
    contact_route = models.CharField(
        max_length=200, help_text="Where to call or refer (configuration, not a real number)."
    )
    min_indicators = models.PositiveSmallIntegerField(default=1)
    min_domains = models.PositiveSmallIntegerField(default=1)
    source_lines = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="threshold_level_unique_number")]

    def __str__(self):
        return f"Level {self.number}: {self.name}"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, related_name="domains", on_delete=models.CASCADE)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    triangle_side = models.CharField(max_length=3, choices=TriangleSide.choices)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="threshold_domain_unique_code")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Polarity(models.TextChoices):
        NEED = "need", "Need or risk"
        STRENGTH = "strength", "Strength"

    framework = models.ForeignKey(Framework, related_name="indicators", on_delete=models.CASCADE)
    level = models.ForeignKey(Level, related_name="indicators", on_delete=models.CASCADE)
    domain = models.ForeignKey(Domain, related_name="indicators", on_delete=models.CASCADE)
    code = models.CharField(max_length=20)  # "LAN-L4-HEA-11"
    label = models.CharField(max_length=120, help_text="Our own short wording.")
    help_text = models.TextField(blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NEED)
    flags = models.JSONField(default=list, blank=True)  # ["significant_harm"], ["review"] ...
    source_file = models.CharField(max_length=100)
    source_line = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="threshold_indicator_unique_code")]

    def __str__(self):
        return f"{self.code} {self.label}"


class ThresholdAssessment(models.Model):
    """A practitioner's checklist for a child (or for a new contact, with no child yet)."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"
        NOT_SOUGHT = "not_sought", "Consent not sought"

    framework = models.ForeignKey(Framework, related_name="assessments", on_delete=models.PROTECT)
    child = models.ForeignKey(
        "casework.Child", null=True, blank=True, related_name="threshold_assessments", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    indicators = models.ManyToManyField(Indicator, related_name="assessments", blank=True)
    significant_harm_suspected = models.BooleanField(default=False)
    missing_episodes_90d = models.PositiveSmallIntegerField(null=True, blank=True)
    has_early_help_assessment = models.BooleanField(default=False)
    # Computed by services.suggest_level; never edited by hand.
    suggested_level = models.PositiveSmallIntegerField()
    highest_indicator_level = models.PositiveSmallIntegerField(null=True, blank=True)
    urgency = models.CharField(max_length=20, default="routine")
    reasons = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    prompts = models.JSONField(default=list)
    actions = models.JSONField(default=list)
    sole_trigger = models.BooleanField(default=False)
    # The practitioner's decision.
    final_level = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    consulted = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    consent_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Threshold assessment {self.pk}"
