"""Forms of Team work: the filter panel and bulk allocation."""

from typing import cast

from django import forms
from django.http import QueryDict

from accounts.line_management import team_members

from .selectors import KIND_CHOICES, STATE_CHOICES, WorkFilters
from .work_items import NOT_ALLOCATED


class TeamWorkFilterForm(forms.Form):
    worker = forms.ChoiceField(label="Worker", required=False)
    kind = forms.MultipleChoiceField(
        label="Kind of work", required=False, choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    state = forms.MultipleChoiceField(
        label="State", required=False, choices=STATE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        members = [(str(user.pk), user.display_name) for user in team_members(team)]
        self.fields["worker"].choices = [("", "Everyone"), (NOT_ALLOCATED, "Not allocated"), *members]

    def filters(self) -> WorkFilters:
        """The filters asked for; anything not understood is ignored, so a stale link still shows the work."""
        if not self.is_valid():
            return WorkFilters()
        worker = self.cleaned_data["worker"] or None
        if worker and worker != NOT_ALLOCATED:
            worker = int(worker)
        return WorkFilters(
            worker=worker,
            kinds=tuple(self.cleaned_data["kind"]),
            states=frozenset(self.cleaned_data["state"]),
        )


class BulkAllocationForm(forms.Form):
    to: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Allocate to",
        queryset=None,
        empty_label="Choose a worker",
        error_messages={
            "required": "Choose who to allocate the children to",
            "invalid_choice": "Choose someone in the team",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are allocating this work"},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = team_members(team)
        self.fields["to"].label_from_instance = lambda user: user.display_name
        self.selection = self._selection()

    def _selection(self) -> dict[int, int | None]:
        """The ticked involvements, each with the version the page showed (to catch a stale page)."""
        if not self.is_bound:
            return {}
        selection: dict[int, int | None] = {}
        for value in cast(QueryDict, self.data).getlist("involvement"):
            if value.isdigit():
                version = self.data.get(f"version-{value}", "")
                selection[int(value)] = int(version) if version.isdigit() else None
        return selection

    def clean(self):
        cleaned = super().clean()
        if not self.selection:
            raise forms.ValidationError("Select the children to allocate")
        return cleaned
