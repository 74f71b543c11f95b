"""Build the real site for a loopback address and serve it (tests, bench and audit).

The site is built with ``SITE_URL`` set to the address it is served from, so every
absolute URL in it (hreflang, sitemap, links.json) points back at this server.
Missing paths get the language's own 404 page, as a static host would serve it.
"""

import functools
import gzip
import http.server
import io
import os
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = ROOT / ".venv" / "bin" / "mkdocs"
NOT_FOUND_PAGES = {"/en/": "en/404.html", "/": "404.html"}  # longest prefix first
# Compressed like any production host does; pass compress=False to measure the
# worst case (a host that compresses nothing).
COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm", ".zip")


@functools.lru_cache(maxsize=256)
def _gzip(path, mtime_ns):
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=6)


def compressed(path):
    """The gzipped file, compressed once per version of the file (benches reload a lot)."""
    return _gzip(path, os.stat(path).st_mtime_ns)


class StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    compress = True
    not_found_pages = NOT_FOUND_PAGES  # {URL prefix: file}, longest prefix first

    def log_message(self, *args):
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away mid-download (a closed context, an aborted route)

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if (not self.compress or not path.endswith(COMPRESSIBLE) or not os.path.isfile(path)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = compressed(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        page = next((Path(self.directory) / p for prefix, p in self.not_found_pages.items()
                     if self.path.startswith(prefix)), None)
        if code != 404 or page is None or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class BuildFailed(RuntimeError):
    pass


class ServedSite:
    """A site built into ``directory`` and served at ``url`` (ending with "/")."""

    def __init__(self, directory, extra_env=None, compress=True):
        self.dir = Path(directory)
        handler_class = type("Handler", (StaticSiteHandler,), {"compress": compress})
        handler = functools.partial(handler_class, directory=str(self.dir))
        # Bind first (port 0), so the build already knows its own address.
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        env = dict(os.environ, SITE_URL=self.url, NO_MKDOCS_2_WARNING="1", **(extra_env or {}))
        result = subprocess.run(
            [str(MKDOCS), "build", "--strict", "--site-dir", str(self.dir)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        self.build_log = result.stdout + result.stderr
        if result.returncode != 0:
            self.server.server_close()
            raise BuildFailed(f"mkdocs build --strict failed:\n{self.build_log}")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
