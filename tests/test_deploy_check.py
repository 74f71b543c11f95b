"""`make check-deploy` (tools/check_deploy.py) against a good server and a broken one."""

import functools
import http.server
import os
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, chromium_path
from web_servers import serve

CHECK = [sys.executable, str(ROOT / "tools" / "check_deploy.py")]


def check_deploy(url, *args):
    env = dict(os.environ, CHROMIUM=chromium_path())
    result = subprocess.run([*CHECK, url, *args], env=env, capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


def test_passes_on_nginx_with_the_deploy_config(site):
    with serve("nginx", site.dir, "deploy") as base_url:
        status, output = check_deploy(base_url)
    assert status == 0, output
    assert "ERROR" not in output and "WARN" not in output, output
    assert output.count("ready in") == 2, output  # both checker pages, in Chromium
    assert "Works, and is served as recommended." in output
    # The build's brotli copy of the binary, sent by brotli_static: both starts take it.
    assert "ok     pyodide.asm.wasm comes as br" in output and "both starts take it" in output, output


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
