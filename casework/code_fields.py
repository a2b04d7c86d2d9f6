"""Form fields for the DfE's code lists (returns/codes.py): the page shows our plain labels and
posts the DfE code. Whether a code may be stored is the service's question, not the form's."""

from django import forms

from returns import codes


def code_select(list_name: str, *, label: str, help_text: str = "", empty: str = "Not recorded") -> forms.ChoiceField:
    """An optional drop-down of one code list, with `empty` for "nothing chosen"."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=lambda: [("", empty), *codes.choices(list_name)],
    )


def code_radios(list_name: str, *, label: str, help_text: str = "") -> forms.ChoiceField:
    """Optional radios, one for each code of a short list."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=lambda: codes.choices(list_name),
        widget=forms.RadioSelect,
    )


def code_checkboxes(list_name: str, *, label: str, help_text: str = "", nothing: str) -> forms.MultipleChoiceField:
    """Optional checkboxes for a set of codes. The `nothing` code ("no disability") comes last, after
    "or", and unticks the others (the Design System's exclusive checkbox); the service refuses it
    with others all the same."""

    def ordered():
        listed = codes.choices(list_name)
        return [c for c in listed if c[0] != nothing] + [c for c in listed if c[0] == nothing]

    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=ordered,
        widget=forms.CheckboxSelectMultiple(attrs={"exclusive": nothing}),
    )
