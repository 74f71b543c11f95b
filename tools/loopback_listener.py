"""The plumbing of the test servers that speak raw TCP on loopback.

``LoopbackListener`` listens on a free ``127.0.0.1`` port and hands each connection to
its ``handle(conn)``; ``close()`` stops it and closes every socket kept in ``held``.
Used by tools/web_servers.py (``TcpForwarder``), tools/diagnose_endpoints.py (an endpoint
that never answers) and tests/test_deploy_check.py (a server that drips its answer).
"""

import socket
import threading


class LoopbackListener:
    """Accepts connections on ``port`` (``url``: its http:// address) until ``close()``."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.listener.settimeout(0.5)  # how often the accepting thread sees `running`
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.running = True
        self.held = []  # sockets closed with the listener
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # the timeout above, or the listener closed
                continue
            self.handle(conn)

    def handle(self, conn):
        """Called on the accepting thread for each connection."""
        raise NotImplementedError

    def close(self):
        self.running = False
        self.listener.close()
        for sock in self.held:
            sock.close()
