"""Every API path of the workload app (under /api/v1/), one list a part."""

from .caseloads.api_urls import api_urlpatterns as caseload_api
from .team_work.api_urls import api_urlpatterns as team_work_api
from .worktray.api_urls import api_urlpatterns as worktray_api

urlpatterns = [*worktray_api, *team_work_api, *caseload_api]
