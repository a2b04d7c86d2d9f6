"""Front-door pages. Rules live in referrals.services; these only shape the pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from accounts import access
from accounts.audit import record_access
from casework.views import refusal_page

from . import selectors
from .models import Contact


@login_required
def contact_detail(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("child", "agency", "decision"), pk=pk)
    view = selectors.contact_view(request.user, contact)
    decision = view.decision or access.AccessDecision(False, access.Purpose.NONE)
    record_access(user=request.user, child=contact.child, what="page:contact", decision=decision)
    if view.level is None:
        return refusal_page(request, contact.child, decision)
    return render(request, "referrals/contact_detail.html", {"contact": contact, "view": view})
