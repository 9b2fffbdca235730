"""gunicorn's error log without query strings.

gunicorn writes "Error handling request GET /programs/?near=22903&condition=..." when a
request fails inside it (a worker timeout, a crash outside Django), and names the request line
of a malformed request. A search is private, so, as Django's own logging does, the log keeps the
path and leaves out everything after the "?".
"""

import logging
import re

from gunicorn.glogging import Logger

_QUERY = re.compile(r"\?[^\s\"']*")
OMITTED = "?[query omitted]"


def without_query_strings(text: str) -> str:
    return _QUERY.sub(OMITTED, text)


class _NoQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = without_query_strings(message), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger with every error line cut at the query string."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, _NoQueryStrings) for f in self.error_log.filters):
            self.error_log.addFilter(_NoQueryStrings())
