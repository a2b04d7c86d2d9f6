"""Every page of the workload app, one list a part."""

from .caseloads.urls import urlpatterns as caseload_pages
from .team_work.urls import urlpatterns as team_work_pages
from .worktray.urls import urlpatterns as worktray_pages

urlpatterns = [*worktray_pages, *team_work_pages, *caseload_pages]
