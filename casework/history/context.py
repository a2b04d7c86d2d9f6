"""Who a change is recorded against: the acting user for requests, a named job for the system.

pghistory attaches this context to every tracked change made inside it (see
`casework.history.tracked`). The context rides on each SQL statement as a PostgreSQL setting,
so on SQLite (the zero-setup local default, which has no triggers and keeps no history) it is
left off altogether rather than sent as SQL SQLite cannot run.
"""

import contextlib

import pghistory
from django.db import connection
from pghistory.middleware import HistoryMiddleware


def keeps_history() -> bool:
    return connection.vendor == "postgresql"


def changes_by_system(actor: str):
    """Context for a task or command: changes in it are recorded as made by `actor` (plain words)."""
    if not keeps_history():
        return contextlib.nullcontext()
    return pghistory.context(user=None, actor=actor)


class ChangeHistoryMiddleware(HistoryMiddleware):
    """Records the signed-in user (and the address) against changes made by a request.

    API requests authenticate inside the view (token or session); pghistory's request class
    updates the context when DRF sets `request.user`, so API writes name their caller too.
    """

    def __call__(self, request):
        if not keeps_history():
            return self.get_response(request)
        return super().__call__(request)
