"""The child's change history page. Reading rules are in selectors.py."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..pages import open_child
from . import selectors
from .context import keeps_history

PAGE_SIZE = 25


@login_required
def history_page(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:child-history")
    if refusal:
        return refusal
    page = None
    entries = []
    if keeps_history():
        page = Paginator(selectors.change_events(child=child, viewer=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        entries = selectors.history_entries(page.object_list)
    return render(
        request,
        "casework/history/history.html",
        {"child": child, "page": page, "entries": entries, "keeps_history": keeps_history()},
    )
