"""`make check-deploy` (tools/check_deploy.py) against good, broken, hanging, dripping and
catch-all servers, all real and on loopback; each server stops when its test ends."""

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, chromium_path
from loopback_listener import LoopbackListener
from web_servers import TcpForwarder, serve

sys.path.insert(0, str(ROOT / "tools"))
import check_deploy as check_deploy_module  # noqa: E402

CHECK = [sys.executable, str(ROOT / "tools" / "check_deploy.py")]


def check_deploy(url, *args, timeout=300):
    env = dict(os.environ, CHROMIUM=chromium_path())
    result = subprocess.run([*CHECK, url, *args], env=env, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def lines_with(output, label):
    return [line for line in output.splitlines() if line.startswith(f"  {label} ")]


def test_passes_on_nginx_with_the_deploy_config(site):
    with serve("nginx", site.dir, "deploy") as base_url:
        status, output = check_deploy(base_url)
    assert status == 0, output
    assert "ERROR" not in output and "UNCHECKED" not in output, output
    assert output.count("ready in") == 2, output  # both checker pages, in Chromium
    # The build's brotli copy of the binary, sent by brotli_static: both starts take it.
    assert "ok     pyodide.asm.wasm comes as br" in output and "both starts take it" in output, output
    assert "(time limits: 20 s for each request, 300 s for the whole check)" in output
    # The only warnings: the shipped example's placeholder endpoint (on both diagnose pages),
    # and lower-case /go/ links if this build has no pages for them yet.
    warnings = lines_with(output, "WARN")
    placeholder = [w for w in warnings if "the example activation server is still listed" in w]
    assert len(placeholder) == 2 and all("activation.example.com" in w for w in placeholder), output
    lower_case = [w for w in warnings if "(in lower case)" in w]
    assert not lower_case or not (site.dir / "go" / "net-001").exists(), output
    assert len(warnings) == len(placeholder) + len(lower_case), output
    for kind in ("pages (HTML)", "stylesheets", "JavaScript", "WebAssembly", "JSON"):
        assert any(line.startswith(f"  ok     {kind} (") and "X-Content-Type-Options: nosniff" in line
                   for line in output.splitlines()), (kind, output)
    assert "would get A+" in output
    for path in ("/go/NET-001/ (as published)", "/go/NET-001 (without its final slash)",
                 "/en/go/NET-001/ (as published)", "/en/go/NET-001 (without its final slash)"):
        assert f"  ok     {path}: HTTP 200, leads to its section #check-connection" in output, (path, output)


def test_reports_missing_security_headers_on_a_stock_server(site):
    with serve("nginx", site.dir) as base_url:
        status, output = check_deploy(base_url, "--no-browser")
    assert status == 0, output  # slower and less safe, not broken
    html = [line for line in lines_with(output, "WARN") if "pages (HTML) (home page)" in line]
    assert html and all(name in html[0] for name in
                        ("X-Content-Type-Options", "frame-ancestors", "Referrer-Policy")), output
    assert any("would get B" in line for line in lines_with(output, "WARN")), output  # 100 - 5 - 20


class OctetStreamHandler(http.server.SimpleHTTPRequestHandler):
    """A deliberately misconfigured server: JavaScript and WebAssembly as application/octet-stream."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/octet-stream", ".mjs": "application/octet-stream",
                      ".wasm": "application/octet-stream"}

    def log_message(self, *args):
        pass


@pytest.fixture
def misconfigured(site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(OctetStreamHandler, directory=str(site.dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_fails_with_a_clear_line_when_javascript_and_wasm_are_octet_stream(misconfigured):
    # Without the browser part: there the checker would only sit in "loading" until the timeout.
    status, output = check_deploy(misconfigured, "--no-browser")
    assert status == 1, output
    lines = output.splitlines()
    assert any(line.startswith("  ERROR  pyodide.js is served as application/octet-stream")
               and "the key checker never starts" in line for line in lines), output
    assert any(line.startswith("  ERROR  pyodide.asm.wasm is served as application/octet-stream")
               for line in lines), output
    assert "error(s): the key checker (or the site) is broken" in output


def test_says_so_when_nothing_answers():
    status, output = check_deploy("http://127.0.0.1:9/", "--no-browser")  # the discard port: closed
    assert status == 2 and "cannot reach" in output, output


def test_a_url_without_a_scheme_is_a_usage_error_not_a_crash():
    status, output = check_deploy("help.example.com", "--no-browser", timeout=30)
    assert status == 2, output
    assert "Traceback" not in output
    assert "not an http:// or https:// address (did you mean https://help.example.com?)" in output, output


@pytest.mark.parametrize("url, said", [
    ("ftp://help.example.com/", "is not an http:// or https:// address"),
    ("javascript:alert(1)", "is not an http:// or https:// address"),
    ("file:///etc/", "is not an http:// or https:// address"),
    ("https://", "has no host name"),
    ("http://127.0.0.1:99999/", "has no valid port"),
])
def test_other_unusable_urls_are_usage_errors(url, said):
    assert check_deploy_module.site_url("https://help.example.com") == "https://help.example.com/"
    with pytest.raises(ValueError, match=re.escape(said)):
        check_deploy_module.site_url(url)


# Mozilla HTTP Observatory 1.4.8 (npm @mdn/mdn-http-observatory), run once by hand over
# https on loopback with these headers, graded main's deploy/nginx C (55) and this one A+
# (120; its merge of header and <meta> policies reads the meta-only directives as 'none',
# hence +10 where this estimate gives 0). The estimate must give the same grades.
META_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='; worker-src 'self'; "
               "connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
               "object-src 'none'; base-uri 'self'; form-action 'self'")
DEPLOY_HEADERS = {
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
    "Strict-Transport-Security": "max-age=63072000",
}


@pytest.mark.parametrize("headers, meta, https, grade", [
    ({}, META_POLICY, True, "C"),              # main's deploy/ config: the page's <meta> policy only
    (DEPLOY_HEADERS, META_POLICY, True, "A+"),
    ({k: v for k, v in DEPLOY_HEADERS.items() if k != "Strict-Transport-Security"}, META_POLICY, True, "B+"),
    # A header policy alone that lets any inline script run (-20: 80, no bonus below 90) ...
    ({**DEPLOY_HEADERS, "Content-Security-Policy": "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"},
     None, True, "B+"),
    # ... is narrowed by the page's own hashes: a source counts only if both policies allow it.
    ({**DEPLOY_HEADERS, "Content-Security-Policy": "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"},
     META_POLICY, True, "A+"),
    ({}, META_POLICY, False, "B"),             # http: HSTS not counted
])
def test_the_observatory_estimate_follows_its_rules(headers, meta, https, grade):
    score, got, modifiers = check_deploy_module.observatory_score(headers, meta, https)
    assert got == grade, (score, modifiers)


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve_handler():
    """Serve with a handler class on loopback; every server stops at the end of the test."""
    servers = []

    def start(handler, directory):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_checker_page_that_never_answers_is_reported_not_a_crash(site, serve_handler):
    stop = threading.Event()

    class HangingChecker(_SiteHandler):
        def do_GET(self):
            if "/checker/" in self.path:
                stop.wait(120)  # answers nothing, until the test ends
                return
            super().do_GET()

    base_url = serve_handler(HangingChecker, site.dir)
    try:
        status, output = check_deploy(base_url, "--no-browser", "--request-limit", "8", timeout=120)
    finally:
        stop.set()
    assert "Traceback" not in output, output
    assert status == 2, output  # could not check: distinct from broken (1)
    assert any("checker/: no complete answer within 8 s" in line for line in lines_with(output, "UNCHECKED")), output
    assert "Could not check everything" in output


class DrippingServer(LoopbackListener):
    """Accepts every connection and sends one byte of a never-ending answer every 2 s."""

    def handle(self, conn):
        threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000
        with conn:
            for byte in answer:
                if not self.running:
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(2)


@pytest.fixture
def dripping():
    server = DrippingServer()
    yield server.url
    server.close()


@pytest.mark.parametrize("limits, said", [
    (("--request-limit", "4"), "no complete answer within 4 s"),
    (("--time-limit", "5"), "the total time limit of 5 s was reached"),
])
def test_a_dripping_host_is_cut_off_by_the_deadlines(dripping, limits, said):
    started = time.monotonic()
    status, output = check_deploy(dripping, "--no-browser", *limits, timeout=90)
    assert status == 2, output
    assert said in output and "Traceback" not in output, output
    assert time.monotonic() - started < 60  # it ends by itself, well before the subprocess timeout


def test_a_catch_all_host_is_not_taken_for_the_sites_404_page(site, serve_handler):
    class CatchAll(_SiteHandler):
        """A single-page-app host: every miss gets the home page, with 200."""

        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (site.dir / "index.html").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    status, output = check_deploy(serve_handler(CatchAll, site.dir), "--no-browser")
    assert "the site's own 404 page" not in output and "the site's root 404 page" not in output, output
    for where in ("a missing page under /", "a missing page under /en/"):
        assert any(line.startswith(f"  WARN   {where} answers HTTP 200") and "catch-all" in line
                   for line in output.splitlines()), (where, output)


def test_go_links_that_the_host_breaks_are_errors(site, serve_handler):
    class NoGo(_SiteHandler):
        def do_GET(self):
            if "/go/" in self.path:
                return self.send_error(404)
            super().do_GET()

    status, output = check_deploy(serve_handler(NoGo, site.dir), "--no-browser")
    assert status == 1, output
    errors = lines_with(output, "ERROR")
    assert any(line.startswith("  ERROR  /go/NET-001/ (as published): HTTP 404") for line in errors), output
    assert any(line.startswith("  ERROR  /en/go/NET-001/ (as published): HTTP 404") for line in errors), output


def test_a_redirect_off_the_readers_address_is_an_error(site):
    """Stock nginx behind a TCP forwarder: its redirects name its own port (deploy/ fixes it)."""
    with serve("nginx", site.dir) as base_url:
        forwarder = TcpForwarder(int(base_url.rsplit(":", 1)[1].strip("/")))
        try:
            status, output = check_deploy(forwarder.url, "--no-browser")
        finally:
            forwarder.close()
    assert status == 1, output
    assert any(line.startswith("  ERROR  /go/NET-001 (without its final slash) redirects to " + base_url)
               for line in lines_with(output, "ERROR")), output
