from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .rules import rules_in_force


@login_required
def notification_list(request):
    notices = request.user.notifications.all()
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_http_methods(["POST"])
def notification_open(request, pk):
    """Mark a notification read, then go where it points."""
    notice = get_object_or_404(request.user.notifications, pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
        return redirect(notice.link)
    return redirect("notification-list")


@login_required
def timescale_list(request):
    """Every timescale in force for the user's authority, with where it comes from."""
    return render(request, "notifications/timescales.html", {"rules": rules_in_force(request.user.authority)})
