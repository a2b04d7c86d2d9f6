"""Authorities, agencies, teams and the people who use the system."""

from datetime import time

from django.contrib.auth.models import AbstractUser
from django.db import models


class Authority(models.Model):
    """A local authority: the tenant whose settings and calendar apply."""

    class BankHolidayRegion(models.TextChoices):
        ENGLAND_AND_WALES = "ENG", "England and Wales"
        SCOTLAND = "SCT", "Scotland"
        NORTHERN_IRELAND = "NIR", "Northern Ireland"

    name = models.CharField(max_length=100, unique=True)
    la_code = models.CharField("DfE local authority code", max_length=3, unique=True)
    bank_holiday_region = models.CharField(
        max_length=3, choices=BankHolidayRegion.choices, default=BankHolidayRegion.ENGLAND_AND_WALES
    )
    # Seed 000, PACE appendix ¶1: normal office hours are 08:45 to 17:00.
    office_hours_start = models.TimeField(default=time(8, 45))
    office_hours_end = models.TimeField(default=time(17, 0))
    break_glass_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long emergency (break-glass) access lasts."
    )
    require_two_factor = models.BooleanField(
        "Managers, auditors and administrators must use two-factor authentication",
        default=False,
        help_text="Applies to people who sign in with a password here; council account sign-in has its own.",
    )

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        CSC = "csc", "Children's social care"
        CYJS = "cyjs", "Child and youth justice service"
        MASH = "mash", "Multi-agency safeguarding hub"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=150)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["authority__name", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="agency_unique_name_per_authority")]

    def __str__(self):
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=150)
    manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    # Seed 000 ¶20.8 escalates missed resettlement planning to the DCS.
    DIRECTOR = "director_of_childrens_services", "Director of children's services"
    MASH_WORKER = "mash_worker", "MASH worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    CONFERENCE_CHAIR = "conference_chair", "Conference chair / IRO"
    AUDITOR = "auditor", "Auditor"
    # Prepares the statutory returns (CIN census, Annex A) and keeps their data clean.
    PERFORMANCE_ANALYST = "performance_analyst", "Performance and data analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    SERVICE_ACCOUNT = "service_account", "Integration service account"


MANAGER_ROLES = frozenset(
    {Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR, Role.MASH_MANAGER}
)
MASH_ROLES = frozenset({Role.MASH_WORKER, Role.MASH_MANAGER})


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PRACTITIONER)
    line_manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    job_title = models.CharField(max_length=150, blank=True)

    @property
    def authority(self):
        return self.agency.authority if self.agency_id else None

    @property
    def is_manager(self):
        return self.role in MANAGER_ROLES

    @property
    def is_mash(self):
        return self.role in MASH_ROLES

    @property
    def display_name(self):
        return self.get_full_name() or self.username
