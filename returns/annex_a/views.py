"""The Annex A page, a CSV file a list and the workbook of every list.

Only people who may prepare returns (403 for anyone else), for their own authority.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render

from . import export
from .columns import annex_list
from .forms import PeriodForm, query_of


def _period_or_404(request):
    form = PeriodForm(request.GET)
    if form.period is None:
        raise Http404
    return form.period


@login_required
def annex_a_page(request):
    scope = export.scope_for(request.user)
    form = PeriodForm(request.GET)
    context = {"form": form, "section": "returns"}
    if form.period is not None:
        context |= {
            "period": form.period,
            "query": query_of(form.period),
            "counts": export.counts(scope=scope, period=form.period),
        }
    return render(request, "returns/annex_a.html", context)


@login_required
def annex_a_csv(request, code):
    scope = export.scope_for(request.user)
    chosen = annex_list(code)
    if chosen is None:
        raise Http404
    period = _period_or_404(request)
    export.log_download(request.user, chosen, scope=scope, period=period)
    response = StreamingHttpResponse(
        export.csv_lines(chosen, scope=scope, period=period), content_type="text/csv; charset=utf-8"
    )
    name = export.filename(period, f"list-{chosen.number}-{chosen.code.replace('_', '-')}", "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def annex_a_workbook(request):
    scope = export.scope_for(request.user)
    period = _period_or_404(request)
    handle = export.workbook_file(request.user, scope=scope, period=period)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export.filename(period, "lists", "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response
