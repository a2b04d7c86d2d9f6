"""Printable reports (conference report, chronology) with WeasyPrint.

Only our own templates are rendered, with a stylesheet read from the repository,
and the URL fetcher refuses every URL: a report never reaches the network or the
file system, whatever text a user typed into a record.
"""

from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).resolve().parent / "static_pdf" / "report.css"


class NoFetching(URLFetcher):
    def fetch(self, url, headers=None):
        raise ValueError("Reports do not load external resources")


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=None, url_fetcher=NoFetching()).write_pdf(
        stylesheets=[CSS(string=STYLESHEET.read_text(), url_fetcher=NoFetching())]
    )


def pdf_response(template_name: str, context: dict, *, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Records of children: never kept in shared caches.
    response["Cache-Control"] = "no-store"
    return response
