from django import template

register = template.Library()

# Keys are BoundField.widget_type: the widget's class name, lower case, less "input"/"widget".
_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input",
    "password": "govuk-input",
    "url": "govuk-input",
    "datetime": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
}


@register.filter
def govuk_widget(field):
    """Render a text-like widget with the Design System classes and ARIA links."""
    css = _CLASSES.get(field.widget_type, "")
    if css and field.errors:
        css += f" {css}--error"
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{css} {existing}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
