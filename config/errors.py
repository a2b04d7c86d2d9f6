from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)
