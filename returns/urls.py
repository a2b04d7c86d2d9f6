"""Pages of the statutory returns."""

from django.urls import path

from returns.annex_a import views as annex_a
from returns.data_quality import views as data_quality

urlpatterns: list = [
    path("returns/data-quality/", data_quality.data_quality, name="data-quality"),
    path("returns/data-quality/check/", data_quality.check_now, name="data-quality-check"),
    path("returns/annex-a/", annex_a.annex_a_page, name="annex-a"),
    path("returns/annex-a/lists.xlsx", annex_a.annex_a_workbook, name="annex-a-workbook"),
    path("returns/annex-a/<slug:code>.csv", annex_a.annex_a_csv, name="annex-a-csv"),
]
