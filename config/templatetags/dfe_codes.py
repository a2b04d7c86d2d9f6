"""The plain label of a stored DfE code (returns/codes.py), for pages: never the code alone."""

from django import template

from returns import codes

register = template.Library()


@register.filter
def code_label(code, list_name):
    """`{{ child.sex|code_label:"sex" }}`: the code's label, or "" when nothing is recorded."""
    return codes.label(list_name, code) if code else ""


@register.filter
def code_labels(values, list_name):
    """`{{ child.disabilities|code_labels:"disability" }}`: each code's label, in the order stored."""
    return [codes.label(list_name, code) for code in values or ()]
