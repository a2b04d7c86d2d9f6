"""Keep personal data out of logs: search terms travel in query strings, so drop them."""

import logging
import re

_QUERY = re.compile(r"\?[^ \"]*")


class StripQueryStrings(logging.Filter):
    def filter(self, record):
        if record.args:
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?…", record.msg)
        return True
