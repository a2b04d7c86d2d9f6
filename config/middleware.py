from django.contrib.auth import middleware
from rest_framework.views import APIView


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    """Django's: a page needs a signed-in user unless its view is marked `@login_not_required`.

    API views (DRF) are left to their own authentication and permissions, so a partner system
    gets a 401 or 403 in JSON rather than a redirect to the sign-in page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
