"""forum.routing: a socket to an address no consumer serves is closed cleanly (4404), never a 500 with a traceback."""

from tests.support.server import LiveSocket, new_channel_prefix

UNKNOWN = ["/ws/nowhere/", "/ws/kiosk/", "/ws/kiosk/a/b/", "/", "/admin/", "/ws/live/%00/x"]


def test_an_unknown_socket_address_is_closed_with_4404_and_logs_no_error(start_server):
    # start_server fails the test if the server logged an error or a traceback.
    server = start_server(prefix=new_channel_prefix(), redis=False)
    codes = {}
    for path in UNKNOWN:
        socket = LiveSocket(server, path)
        try:
            codes[path] = socket.wait_closed()
        finally:
            socket.close()
    assert codes == dict.fromkeys(UNKNOWN, 4404)
