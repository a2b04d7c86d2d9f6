"""My work: the signed-in user's worktray, and what their home has beside it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import access
from accounts.audit import record_search
from casework.intake.services import INTAKES, may_use_intake
from casework.selectors import my_work as allocated_involvements

from .items import KINDS, summary_text
from .selectors import mash_queue_counts, worktray

PAGE_SIZE = 25


@login_required
def my_work(request):
    user = request.user
    kind = request.GET.get("kind")
    kind = kind if kind in KINDS else None
    tray = worktray(user=user, kind=kind)
    page = Paginator(tray.items, PAGE_SIZE).get_page(request.GET.get("page"))
    children = Paginator(_allocated(user), PAGE_SIZE).get_page(request.GET.get("children_page"))
    shown = [item.child_id for item in page if item.child_id] + [inv.child_id for inv in children]
    if shown:
        record_search(user=user, what="page:my-work", query=request.GET.urlencode(), child_ids=shown)
    return render(
        request,
        "workload/worktray.html",
        {
            "page": page,
            "children": children,
            "tray": tray,
            "kind": kind,
            "kind_title": KINDS[kind][1] if kind else "",
            "summary": summary_text(tray.counts),
            "queue_counts": mash_queue_counts(user=user),
            "sees_case_content": access.sees_case_content(user),
            # A child new to the child and youth justice service (casework.intake).
            "cyjs_intakes": list(INTAKES.values()) if may_use_intake(user) else [],
        },
    )


def _allocated(user):
    """The children open to the user (or their team): not a thing to do, but where the work is."""
    if not access.sees_case_content(user):
        return []
    return allocated_involvements(user=user).filter(child__in=access.visible_children(user).values("pk"))
