"""forum.log_filters: uvicorn's lines about a connection without the client's address or query string."""

import logging

from forum.log_filters import HideClients


def _line(msg: str, *args) -> str:
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, msg, args, None)
    assert HideClients().filter(record)
    return record.getMessage()


def test_a_websocket_handshake_is_logged_without_the_address_and_the_query():
    line = _line('%s - "WebSocket %s" [accepted]', "203.0.113.77:51234", "/ws/kiosk/foyer/?token=secret")
    assert line == '- - "WebSocket /ws/kiosk/foyer/" [accepted]'


def test_an_access_line_keeps_method_path_and_status():
    line = _line('%s - "%s %s HTTP/%s" %d', "[2001:db8::1]:443", "GET", "/live/ABC/?x=1", "1.1", 200)
    assert line == '- - "GET /live/ABC/ HTTP/1.1" 200'


def test_other_lines_pass_unchanged():
    assert (
        _line("Uvicorn running on %s://%s:%d", "http", "127.0.0.1", 8000) == "Uvicorn running on http://127.0.0.1:8000"
    )
    assert _line("connection rejected (403 Forbidden)") == "connection rejected (403 Forbidden)"
