"""Shared fixtures: the real site, built once per test session and served on loopback.

The site is built with ``SITE_URL`` set to the address it is served from, so every
absolute URL in it (hreflang, sitemap, links.json) points back at this server and a
browser test can prove that no request ever leaves 127.0.0.1.
"""

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ja", "en")  # default language first; it lives at the site root

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Site:
    """A built site: its folder on disk and the loopback URL it is served at."""

    def __init__(self, directory: Path, url: str, build_log: str):
        self.dir = directory
        self.url = url  # ends with "/"
        self.build_log = build_log

    def page_url(self, lang: str, path: str = "") -> str:
        prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
        return f"{self.url}{prefix}{path}"

    def html_files(self):
        return sorted(self.dir.rglob("*.html"))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build the real site with `mkdocs build --strict` and serve it on 127.0.0.1."""
    directory = tmp_path_factory.mktemp("site")
    handler = functools.partial(QuietHandler, directory=str(directory))
    # Bind first (port 0), so the build can already know its own address.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    env = dict(os.environ, SITE_URL=url, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [str(ROOT / ".venv/bin/mkdocs"), "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        server.server_close()
        pytest.fail(f"mkdocs build --strict failed:\n{log}", pytrace=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(directory, url, log)
    server.shutdown()
    server.server_close()


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium not found: run `make test` (it installs Debian's chromium) "
                    "or `apt-get install chromium`.", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (no cache, no storage) per test."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
