from .models import Notification


def notify(*, recipient, subject: str, body: str = "", link: str = "") -> Notification:
    """Tell someone something in the app. Emails about deadlines are sent by the sweep (notifications.sweep)."""
    return Notification.objects.create(recipient=recipient, subject=subject, body=body, link=link)
