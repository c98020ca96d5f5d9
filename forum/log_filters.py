"""Logging filters: no log line of the server names who sent a request."""

from __future__ import annotations

import logging

# uvicorn's lines about one connection ('%s - "WebSocket %s" [accepted]', '%s - "GET %s HTTP/%s" 200'): the first
# argument is the client's address and port, a path argument may carry a query string (a kiosk's token).
_CLIENT_LINE = '%s - "'


class HideClients(logging.Filter):
    """Puts "-" where uvicorn logs a client's address and drops query strings from the paths it logs.

    uvicorn logs every WebSocket handshake at info on ``uvicorn.error``, even with --no-access-log; this
    keeps the line (a path and a status help) without the address, whatever the log level.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(_CLIENT_LINE) and isinstance(record.args, tuple):
            record.args = ("-", *(_without_query(arg) for arg in record.args[1:]))
        return True


def _without_query(value: object) -> object:
    return value.partition("?")[0] if isinstance(value, str) and value.startswith("/") else value
