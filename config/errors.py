from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views import defaults

from .api import json_error


def _is_api(request):
    return request.path.startswith("/api/")


@login_not_required
def not_found(request, exception=None):
    if _is_api(request):
        return json_error(404, "Not found.")
    return render(request, "errors/404.html", status=404)


@login_not_required
def forbidden(request, exception=None):
    if _is_api(request):
        return json_error(403, "You do not have permission to perform this action.")
    return render(request, "errors/403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error(400, "Bad request.")
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return json_error(500, "Server error.")
    return defaults.server_error(request)
