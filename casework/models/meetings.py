"""Who took part in a meeting, and the actions people agreed there.

Strategy discussions, conferences, core groups, child in need meetings and case
notes all record people and actions the same way, so each is one model with a
link to exactly one parent record.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q


def exactly_one(*fields) -> Q:
    """A check-constraint condition: exactly one of these foreign keys is set."""
    options = []
    for chosen in fields:
        condition = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                condition &= Q(**{f"{other}__isnull": True})
        options.append(condition)
    return reduce(or_, options)


class Capacity(models.TextChoices):
    """In what capacity someone takes part: the strategy-discussion minimum is checked on these."""

    SOCIAL_WORKER = "social_worker", "Social worker (children's social care)"
    CSC_MANAGER = "csc_manager", "Social work manager (children's social care)"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "School or education"
    CYJS = "cyjs", "Child and youth justice service"
    REFERRER = "referrer", "The person who referred"
    PARENT_OR_CARER = "parent_or_carer", "Parent or carer"
    CHILD = "child", "The child"
    ADVOCATE = "advocate", "Advocate or supporter"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"


PARTICIPANT_PARENTS = ("strategy_discussion", "conference", "core_group_of", "core_group_meeting", "cin_meeting")


class Participant(models.Model):
    """A person asked to, or taking part in, a meeting; or a member of a plan's core group."""

    strategy_discussion = models.ForeignKey(
        "casework.StrategyDiscussion", null=True, blank=True, on_delete=models.CASCADE, related_name="participants"
    )
    conference = models.ForeignKey(
        "casework.ChildProtectionConference",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participants",
    )
    core_group_of = models.ForeignKey(
        "casework.ChildProtectionPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="core_group"
    )
    core_group_meeting = models.ForeignKey(
        "casework.CoreGroupMeeting", null=True, blank=True, on_delete=models.CASCADE, related_name="participants"
    )
    cin_meeting = models.ForeignKey(
        "casework.ChildInNeedMeeting", null=True, blank=True, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    capacity = models.CharField(max_length=30, choices=Capacity.choices)
    role = models.CharField(max_length=200, blank=True, help_text="Job title or relationship to the child")
    # Set when the person is a user of this system (so they can be told things in the app).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited = models.BooleanField(default=True)
    attended = models.BooleanField(null=True, help_text="Empty until the meeting has happened")
    sent_apologies = models.BooleanField(default=False)
    report_received = models.BooleanField(default=False)
    # Working Together (001 L2006): decided with police and the chair, per report.
    report_shared_with_parents = models.BooleanField(null=True)
    # 001 L2027: the written views of people who could not attend are recorded.
    written_views = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=exactly_one(*PARTICIPANT_PARENTS), name="participant_one_parent")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_capacity_display()})"


ACTION_PARENTS = ("strategy_discussion", "conference", "core_group_meeting", "cin_meeting", "case_note")


class AgreedAction(models.Model):
    """Who will do what by when (000 ¶8.1; 001 L1954–1956)."""

    child = models.ForeignKey("casework.Child", on_delete=models.CASCADE, related_name="agreed_actions")
    strategy_discussion = models.ForeignKey(
        "casework.StrategyDiscussion", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    conference = models.ForeignKey(
        "casework.ChildProtectionConference", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    core_group_meeting = models.ForeignKey(
        "casework.CoreGroupMeeting", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    cin_meeting = models.ForeignKey(
        "casework.ChildInNeedMeeting", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    case_note = models.ForeignKey(
        "casework.CaseNote", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner_name = models.CharField("Who", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField("By when", null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=exactly_one(*ACTION_PARENTS), name="agreed_action_one_parent")]

    def __str__(self):
        return self.description[:60]
