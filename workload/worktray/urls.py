"""Pages of workload.worktray. My work is the site's home page (config/urls.py names it `home`)."""

urlpatterns: list = []
