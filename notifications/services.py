from .models import Notification


def notify(*, recipient, subject: str, body: str = "", link: str = "") -> Notification:
    """Tell someone something in the app. Email comes with issue 3."""
    return Notification.objects.create(recipient=recipient, subject=subject, body=body, link=link)
