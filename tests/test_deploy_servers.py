"""The built site on real web servers, as a vendor publishes it (issue 10).

The site is built once for its production host (https://help.example.com/) and served
from loopback by Debian's nginx and Apache and by Caddy, first with their stock
configuration, then with ours from deploy/ (tools/web_servers.py). So every test here
also proves the site works from an origin other than the one it was built for.
"""

import http.client
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import LANGUAGES, ROOT
from web_servers import TcpForwarder, serve

PRODUCTION = "https://help.example.com/"
SERVERS = ("nginx", "apache", "caddy")
READY_TIMEOUT = 60  # seconds: generous, the machine is shared; speed is `make bench`'s business
from conftest import INVALID_KEY, VALID_KEY as DEMO_KEY  # noqa: E402  (of the key format in use)
# Records CSP violations in the page (an init script runs whatever the page's policy).
CSP_LISTENER = """document.addEventListener("securitypolicyviolation",
  (e) => (window.__cspViolations ||= []).push(`${e.violatedDirective} ${e.blockedURI}`));"""


def root(lang):
    return "" if lang == LANGUAGES[0] else f"{lang}/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real site, built for its production host (not for where the tests serve it)."""
    directory = tmp_path_factory.mktemp("production-site")
    env = dict(os.environ, SITE_URL=PRODUCTION, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir",
                             str(directory)], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}", pytrace=False)
    return directory


@pytest.fixture(scope="module", params=[(kind, config) for config in ("stock", "deploy") for kind in SERVERS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def served(request, built):
    kind, config = request.param
    with serve(kind, built, config) as base_url:
        yield kind, config, base_url


class Visit:
    """A fresh browser context that records what a test must not see."""

    def __init__(self, browser, base_url, javascript=True):
        self.origin = urlsplit(base_url).netloc
        self.context = browser.new_context(java_script_enabled=javascript)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.problems, self.elsewhere = [], []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.context.on("request", self._request)

    def _console(self, message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == self.page.url:
            return  # Chromium's note on a 404 page's own status: what a missing page must answer
        self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.origin:
            self.elsewhere.append(request.url)

    def csp_violations(self):
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self, where):
        assert not self.problems, f"{where}: {self.problems}"
        assert not self.csp_violations(), f"{where}: CSP violations {self.csp_violations()}"
        assert not self.elsewhere, f"{where}: requests to another host {self.elsewhere}"

    def close(self):
        self.context.close()


def wait_for_widget(page):
    deadline = time.monotonic() + READY_TIMEOUT
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate("document.querySelector('.key-checker')?.dataset.state ?? null")
        if state in ("ready", "error"):
            return state
        page.wait_for_timeout(50)
    return state


def answers(page, text, valid):
    """Type a key, press Enter; whether the widget's verdict becomes `valid` within 10 s."""
    page.fill(".key-checker__input", text)
    page.press(".key-checker__input", "Enter")
    for _ in range(400):
        if page.evaluate("document.querySelector('.key-checker__result')?.dataset.valid") == str(valid).lower():
            return True
        page.wait_for_timeout(25)
    return False


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br, zstd"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_checker_starts_and_answers(served, browser):
    kind, config, base_url = served
    # Both checker pages on the stock servers; with deploy/ (which changes no type or
    # path for them) one is enough to keep the suite lean.
    for lang in LANGUAGES if config == "stock" else LANGUAGES[-1:]:
        visit = Visit(browser, base_url)
        try:
            visit.page.goto(f"{base_url}{root(lang)}checker/")
            state = wait_for_widget(visit.page)
            assert state == "ready", f"{kind} ({config}) {lang}: the checker is {state!r}: {visit.problems}"
            assert answers(visit.page, INVALID_KEY, valid=False)  # a wrong check digit
            assert answers(visit.page, DEMO_KEY, valid=True)
            visit.assert_clean(f"{kind} ({config}) {lang}")
        finally:
            visit.close()


def test_the_checker_starts_where_the_host_adds_content_encoding_to_gz_files(browser, built):
    """Apache with `AddEncoding x-gzip .gz` (README warns against it): the browser inflates the
    .gz runtime files before the page sees them, so the snapshot start fails its SRI check; the
    plain fallback must still start (it once fetched the plain binary through the fetch it
    replaces for Pyodide, got an empty stand-in and failed to compile: issue 19)."""
    with serve("apache", built, "deploy", directives=["AddEncoding x-gzip .gz"]) as base_url:
        runtime = next((built / "assets" / "pyodide").iterdir()).name
        _, headers, _ = fetch(f"{base_url}assets/pyodide/{runtime}/pyodide.asm.wasm.gz")
        assert headers.get("Content-Encoding") in ("gzip", "x-gzip")  # the host is configured as the test says
        for lang in LANGUAGES:
            visit = Visit(browser, base_url)
            try:
                visit.page.goto(f"{base_url}{root(lang)}checker/")
                state = wait_for_widget(visit.page)
                assert state == "ready", f"{lang}: the checker is {state!r}: {visit.problems}"
                assert answers(visit.page, DEMO_KEY, valid=True)
            finally:
                visit.close()


def test_go_links_land_on_their_section_on_the_same_origin(served, browser, built):
    kind, config, base_url = served
    links = json.loads((built / "links.json").read_text(encoding="utf-8"))["codes"]
    code, targets = next(iter(links.items()))
    visit = Visit(browser, base_url)
    try:
        for lang in LANGUAGES:
            production = urlsplit(targets[lang])  # links.json stays absolute, for the product
            assert production.netloc == urlsplit(PRODUCTION).netloc
            visit.page.goto(f"{base_url}{root(lang)}go/{code}/")
            visit.page.wait_for_url(lambda url: url.endswith(f"{production.path}#{production.fragment}"),
                                    timeout=10000)
            assert visit.page.url == f"{base_url.rstrip('/')}{production.path}#{production.fragment}"
            assert visit.page.evaluate("(id) => !!document.getElementById(id)", production.fragment)
            assert visit.page.evaluate("document.documentElement.lang") == lang
        visit.assert_clean(f"{kind} ({config}) /go/")
    finally:
        visit.close()


def test_a_missing_page_is_answered_in_the_readers_language(served, browser):
    kind, config, base_url = served
    for lang in LANGUAGES:
        assert fetch(f"{base_url}{root(lang)}no-such-page/")[0] == 404, f"{kind} ({config}) {lang}"
    if config == "stock":
        return  # stock nginx, Apache and Caddy answer with their own page (Caddy's is empty)
    visit = Visit(browser, base_url)
    try:
        for lang in LANGUAGES:
            response = visit.page.goto(f"{base_url}{root(lang)}no-such-page/")
            assert response.status == 404, f"{kind} ({config}) {lang}"
            assert visit.page.evaluate("document.documentElement.lang") == lang, f"{kind} {lang}"
            assert visit.page.locator("article h1:visible").count() == 1, f"{kind} {lang}"
            assert visit.page.locator("form.error-lookup:visible").count() == 1, f"{kind} {lang}"
        visit.assert_clean(f"{kind} ({config}) 404")
    finally:
        visit.close()


@pytest.mark.parametrize("kind", SERVERS)
def test_deploy_config_compresses_and_caches_as_documented(kind, built):
    with serve(kind, built, "deploy") as base_url:
        check_compression_and_caching(kind, base_url, built)


def check_compression_and_caching(kind, base_url, built):
    runtime = next((built / "assets" / "pyodide").iterdir()).name
    assert len(runtime) == 12 and int(runtime, 16) >= 0, runtime
    immutable = "public, max-age=31536000, immutable"
    for path, compressed, cache in [
        ("", True, "no-cache"),
        ("en/checker/", True, "no-cache"),
        ("search/search_index.json", True, "no-cache"),
        (f"assets/pyodide/{runtime}/pyodide.asm.js", True, immutable),
        (f"assets/pyodide/{runtime}/pyodide.asm.wasm", True, immutable),
        (f"assets/pyodide/{runtime}/snapshot.bin.gz", False, immutable),  # gzipped already: as it is
        ("assets/javascripts/key-checker-worker.js", True, "no-cache"),
    ]:
        status, headers, _ = fetch(base_url + path)
        assert status == 200, f"{kind} {path}"
        encoding = headers.get("Content-Encoding")
        assert bool(encoding) == compressed, f"{kind} {path}: Content-Encoding {encoding}"
        assert headers.get("Cache-Control") == cache, f"{kind} {path}: {headers.get('Cache-Control')}"


@pytest.mark.parametrize("kind", ["nginx", "caddy"])
def test_deploy_config_serves_the_binary_precompressed(kind, built):
    """nginx (gzip_static, brotli_static) and Caddy (precompressed) send the build's own .br
    and .gz copies of the checker's binary from its plain URL, as they are on disk."""
    runtime = next((built / "assets" / "pyodide").iterdir())
    with serve(kind, built, "deploy") as base_url:
        url = f"{base_url}assets/pyodide/{runtime.name}/pyodide.asm.wasm"
        for accepted, encoding, copy in [("br, gzip", "br", ".br"), ("gzip", "gzip", ".gz")]:
            request = urllib.request.Request(url, headers={"Accept-Encoding": accepted})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.headers.get("Content-Encoding") == encoding, f"{kind}: {accepted}"
                assert response.headers.get("Content-Type") == "application/wasm"
                assert response.read() == (runtime / f"pyodide.asm.wasm{copy}").read_bytes()


def test_the_root_404_shows_english_under_en_on_hosts_that_serve_only_it(browser, built):
    """GitHub Pages, Netlify, npm serve: every miss gets /404.html, /en/ ones too."""
    with serve("python", built) as base_url:
        check_root_404(browser, built, base_url)


def check_root_404(browser, built, base_url):
    root_page = (built / "404.html").read_text(encoding="utf-8")
    for javascript in (True, False):
        visit = Visit(browser, base_url, javascript=javascript)
        try:
            # As those hosts do: the root 404.html, with status 404, at the missing address.
            visit.context.route("**/en/no-such-page/", lambda route: route.fulfill(
                status=404, body=root_page, content_type="text/html; charset=utf-8"))
            visit.page.goto(f"{base_url}en/no-such-page/")
            blocks = visit.page.locator("[data-not-found-language]")
            visible = [blocks.nth(i).get_attribute("lang") for i in range(blocks.count()) if blocks.nth(i).is_visible()]
            if javascript:
                assert visible == ["en"]
                assert visit.page.evaluate("document.documentElement.lang") == "en"
                assert "Page not found" in visit.page.title()
                visit.assert_clean("root 404 under /en/")
            else:
                assert visible == list(LANGUAGES)  # usable in both without JavaScript
        finally:
            visit.close()


@pytest.mark.parametrize("kind", ["nginx", "python"])
def test_a_server_stops_when_what_started_it_is_killed(built, kind):
    """A test run or bench killed outright (SIGKILL: no `finally`) takes its server with it."""
    starter = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-c",
         "import sys, time; sys.path.insert(0, sys.argv[1]); from web_servers import serve\n"
         "with serve(sys.argv[2], sys.argv[3]) as url:\n    print(url, flush=True); time.sleep(600)",
         str(ROOT / "tools"), kind, str(built)],
        stdout=subprocess.PIPE, text=True)
    try:
        url = starter.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        assert fetch(url)[0] == 200
    finally:
        starter.kill()
        starter.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except urllib.error.HTTPError:
            pass  # an answer all the same
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return
        time.sleep(0.2)
    pytest.fail(f"{kind} still answers at {url} after what started it was killed")


# --- behind a TCP forwarder, and the security headers (issue 19, items 9 and 17) -------

def request_without_redirect(url):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


@pytest.mark.parametrize("kind", SERVERS)
def test_redirects_stay_on_the_readers_origin_behind_a_tcp_forwarder(kind, built):
    code = next(iter(json.loads((built / "links.json").read_text(encoding="utf-8"))["codes"]))
    with serve(kind, built, "deploy") as base_url:
        forwarder = TcpForwarder(urlsplit(base_url).port)
        try:
            for path in (f"en/go/{code}", f"go/{code}", "en/checker"):
                status, location = request_without_redirect(forwarder.url + path)
                assert status in (301, 302, 307, 308), f"{kind} {path}: {status}"
                target = urljoin(forwarder.url + path, location)
                assert target == f"{forwarder.url}{path}/", f"{kind} {path}: Location {location}"
        finally:
            forwarder.close()


SECURITY_HEADERS = {  # what every deploy/ configuration sends, with every file
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Directives a header policy must leave to each page's own <meta> policy: a browser
# applies both, so a header that sets them would narrow the checker's or the diagnosis's.
LEFT_TO_THE_PAGE = ("default-src", "script-src", "worker-src", "connect-src", "style-src")


def check_security_headers(where, headers):
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{where}: {name}: {headers.get(name)}"
    policy = headers.get("Content-Security-Policy") or ""
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {policy!r}"
    assert not set(directives) & set(LEFT_TO_THE_PAGE), f"{where}: {policy!r}"


@pytest.mark.parametrize("kind", SERVERS)
def test_deploy_config_sends_the_security_headers_with_every_kind_of_file(kind, built):
    runtime = next((built / "assets" / "pyodide").iterdir()).name
    paths = ["", "en/checker/", "search/search_index.json", "assets/javascripts/key-checker-worker.js",
             f"assets/pyodide/{runtime}/pyodide.asm.wasm", f"assets/pyodide/{runtime}/snapshot.bin.gz",
             next(p.relative_to(built).as_posix() for p in (built / "assets" / "stylesheets").glob("main.*.min.css")),
             "no-such-page/", "en/no-such-page/"]
    with serve(kind, built, "deploy") as base_url:
        for path in paths:
            status, headers, _ = fetch(base_url + path)
            assert status == (404 if "no-such-page" in path else 200), f"{kind} {path}: {status}"
            check_security_headers(f"{kind} {path}", headers)


@pytest.mark.parametrize("host", ["netlify", "cloudflare-pages"])
def test_host_header_files_send_the_security_headers_on_every_path(host):
    """Netlify and Cloudflare Pages read `_headers`: a path pattern, then indented `Name: value` lines."""
    rules, current = {}, None
    for line in (ROOT / "deploy" / host / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            name, value = line.strip().split(":", 1)
            current[name.strip()] = value.strip()
    check_security_headers(f"{host} /*", rules["/*"])
    assert rules["/*"]["Strict-Transport-Security"].startswith("max-age=")  # both hosts serve https only


@pytest.fixture(scope="module")
def built_with_endpoints(tmp_path_factory):
    """The site built with two loopback activation servers in "Check this computer"."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from diagnose_endpoints import LoopbackEndpoints

    endpoints = LoopbackEndpoints()
    folder = tmp_path_factory.mktemp("diagnose-deploy")
    catalog = endpoints.write_catalog(folder / "diagnostics.yml", ids=["healthy", "rate-limited"])
    env = dict(os.environ, SITE_URL=PRODUCTION, NO_MKDOCS_2_WARNING="1", DIAGNOSTICS_CATALOG=str(catalog))
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir",
                             str(folder / "site")], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        endpoints.close()
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}", pytrace=False)
    yield folder / "site", endpoints
    endpoints.close()


@pytest.mark.parametrize("kind", SERVERS)
def test_the_diagnosis_reaches_its_endpoints_behind_the_deploy_config(kind, built_with_endpoints, browser):
    """The header policy of deploy/ must not narrow the diagnose page's connect-src."""
    directory, endpoints = built_with_endpoints
    with serve(kind, directory, "deploy") as base_url:
        visit = Visit(browser, base_url)
        try:
            visit.page.goto(f"{base_url}en/diagnose/")
            while visit.page.evaluate("document.querySelector('.diagnose').dataset.state") != "ready":
                visit.page.wait_for_timeout(50)
            visit.page.click(".diagnose__start")
            deadline = time.monotonic() + 30
            while visit.page.evaluate("document.querySelector('.diagnose').dataset.state") != "done":
                assert time.monotonic() < deadline, f"{kind}: the diagnosis did not finish"
                visit.page.wait_for_timeout(50)
            kinds = visit.page.evaluate("""Object.fromEntries([...document.querySelectorAll(
                '.diagnose__item[data-endpoint]')].map(li => [li.dataset.endpoint, li.dataset.result]))""")
            assert kinds == {"healthy": "endpoint_reachable", "rate-limited": "endpoint_server_error"}, kind
            # Chromium notes the 429 in the console: what that endpoint is there to answer.
            problems = [p for p in visit.problems if endpoints.urls["rate-limited"] not in p]
            assert not problems and not visit.csp_violations(), (kind, problems, visit.csp_violations())
            assert set(visit.elsewhere) == {endpoints.urls["healthy"], endpoints.urls["rate-limited"]}
        finally:
            visit.close()
