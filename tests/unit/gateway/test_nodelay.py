"""The gateway's HTTP connections have Nagle's algorithm off: eventlet's wsgi sends a response
above its 16 KiB buffer in two writes, and with Nagle on the second waited 40 ms for the
client's delayed ACK (every list page paid it; bench/FINDINGS.md)."""
import socket

from gateway.http import GatewayWebServer


class _RecordingWsgi:
    def __init__(self):
        self.served = []

    def process_request(self, conn_state):
        self.served.append(conn_state)


def test_an_accepted_connection_is_served_with_nodelay():
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, address = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0   # the default
        server = GatewayWebServer()
        server._serv = _RecordingWsgi()
        server.process_request(accepted, address)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert len(server._serv.served) == 1            # and the request was still served
    finally:
        for sock in (accepted, client, listener):
            sock.close()
