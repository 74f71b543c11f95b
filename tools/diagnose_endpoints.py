"""Loopback stand-ins for activation servers, for "Check this computer" (tests and bench).

Each endpoint is a real server on 127.0.0.1 (its own port, so its own origin), behaving
as one kind of activation server does; ``write_catalog`` writes a diagnostics catalog
listing them, with the texts of ``catalog/diagnostics.yml``. Build the site with
``DIAGNOSTICS_CATALOG=<that file>`` to test against them.
"""

import http.server
import socket
import threading
from pathlib import Path

import yaml

from loopback_listener import LoopbackListener

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog" / "diagnostics.yml"
HANG_TIMEOUT_MS = 1500  # the never-answering endpoint's timeout: short, so runs stay quick


def _handler(status, cors, options):
    class Handler(http.server.BaseHTTPRequestHandler):
        requests = []  # (method, path, headers) of every request, for the privacy tests

        def log_message(self, *args):
            pass

        def do_GET(self):
            Handler.requests.append((self.command, self.path, dict(self.headers)))
            body = b"ok" if status < 400 else b"busy"
            self.send_response(status)
            if cors:
                self.send_header("Access-Control-Allow-Origin", "*")
                if options.get("expose_date"):  # lets the page compare clocks with this server
                    self.send_header("Access-Control-Expose-Headers", "Date")
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _Hanging(LoopbackListener):
    """Accepts connections and never answers."""

    def handle(self, conn):
        self.held.append(conn)


def _closed_port():
    """A port nothing listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# id → (HTTP status answered, sends Access-Control-Allow-Origin, catalog's `cors`)
SERVING = {
    "healthy": (204, True, True),
    "busy": (503, True, True),
    "rate-limited": (429, True, True),   # too many requests: the server's side too
    "opaque": (200, False, False),       # cannot say whether it is healthy: the browser can't read it
    "no-cors-503": (503, False, True),   # a load balancer's error page without CORS headers
}
KINDS = {  # what the page must report for each endpoint id
    "healthy": "endpoint_reachable",
    "busy": "endpoint_server_error",
    "rate-limited": "endpoint_server_error",
    "opaque": "endpoint_opaque",
    "no-cors-503": "endpoint_opaque_after_cors",
    "hang": "endpoint_timeout",
    "closed": "endpoint_blocked",
    "demo": "endpoint_demo",
}
DEMO_URL = "https://activation.example.com/health"  # the example vendor's placeholder: never tried


class LoopbackEndpoints:
    """Every kind of endpoint, running until ``close()``."""

    def __init__(self):
        self.servers = {}
        self.urls = {}
        # "healthy" exposes its Date header (set_clock_visible changes that while running).
        self.options = {endpoint_id: {"expose_date": endpoint_id == "healthy"} for endpoint_id in SERVING}
        for endpoint_id, (status, cors, _) in SERVING.items():
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     _handler(status, cors, self.options[endpoint_id]))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[endpoint_id] = server
            self.urls[endpoint_id] = f"http://127.0.0.1:{server.server_address[1]}/health"
        self.hanging = _Hanging()
        self.urls["hang"] = f"http://127.0.0.1:{self.hanging.port}/health"
        self.urls["closed"] = f"http://127.0.0.1:{_closed_port()}/health"
        self.urls["demo"] = DEMO_URL

    def set_clock_visible(self, endpoint_id, visible):
        """Whether `endpoint_id` lets the page read its Date header (Access-Control-Expose-Headers)."""
        self.options[endpoint_id]["expose_date"] = visible

    def requests(self, endpoint_id):
        return self.servers[endpoint_id].RequestHandlerClass.requests

    def catalog(self, ids=None):
        base = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
        endpoints = []
        for endpoint_id in ids if ids is not None else self.urls:
            entry = {"id": endpoint_id, "name": {"ja": f"テスト {endpoint_id}", "en": f"Test {endpoint_id}"},
                     "url": self.urls[endpoint_id], "healthy_status": [200, 204],
                     "cors": SERVING.get(endpoint_id, (0, True, True))[2]}
            if endpoint_id == "hang":
                entry["timeout_ms"] = HANG_TIMEOUT_MS
            if endpoint_id == "demo":
                entry["demo"] = True
            endpoints.append(entry)
        base["endpoints"] = endpoints
        return base

    def write_catalog(self, path, ids=None):
        Path(path).write_text(yaml.safe_dump(self.catalog(ids), allow_unicode=True, sort_keys=False),
                              encoding="utf-8")
        return Path(path)

    def close(self):
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.hanging.close()
