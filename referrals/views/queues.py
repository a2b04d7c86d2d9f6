"""Lists of contacts: the referrer's own referrals and the MASH triage queue, with "Allocate to me"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.audit import record_search
from accounts.models import MASH_ROLES

from .. import selectors, services
from ..forms import TriageFilterForm
from ..pagination import CappedPaginator
from .shared import WRITE, _due_label, _open_contact, _require_holder, _safe_next


@login_required
def my_referrals(request):
    if not access.sees_case_content(request.user):
        raise PermissionDenied
    page = Paginator(selectors.my_referrals(user=request.user), 50).get_page(request.GET.get("page"))
    rows = list(page)
    record_search(user=request.user, what="page:my-referrals", query="", child_ids=[c.child_id for c in rows])
    return render(request, "referrals/my_referrals.html", {"page": page})


@login_required
def triage_queue(request):
    if request.user.role not in MASH_ROLES:
        raise PermissionDenied
    form = TriageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    contacts = selectors.triage_queue(
        user=request.user, now=now, **{k: filters.get(k) or None for k in ("rag", "due", "allocation", "age_band")}
    )
    # Counts stop 1,000 rows past the page: an exact count of a 100,000-contact queue costs more than the page.
    page = CappedPaginator(contacts, 50, number=request.GET.get("page")).get_page(request.GET.get("page"))
    today = timezone.localdate(now)
    for contact in page:
        contact.overdue = contact.decision_due is not None and contact.decision_due <= now
        contact.due_label = _due_label(contact.decision_due, today=today)
    breaches = selectors.breach_count(user=request.user, now=now, cap=selectors.COUNT_CAP)
    record_search(
        user=request.user, what="page:triage-queue", query=request.GET.urlencode(), child_ids=[c.child_id for c in page]
    )
    return render(
        request,
        "referrals/triage.html",
        {
            "form": form,
            "page": page,
            "breaches": breaches,
            "breaches_capped": breaches > selectors.COUNT_CAP,
            "count_cap": selectors.COUNT_CAP,
            "filtered": any(filters.values()),
        },
    )


@login_required
@require_http_methods(["POST"])
def contact_allocate(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="contact:allocate", action=WRITE, log=False)
    if refusal:
        return refusal
    _require_holder(request, contact)
    try:
        services.allocate(contact=contact, by=request.user, to=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Contact about {contact.child.full_name} allocated to you")
    return redirect(_safe_next(request, reverse("contact-detail", args=[contact.pk])))
