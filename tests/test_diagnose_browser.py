""""Check this computer" (issue 13) in Debian's Chromium, against real loopback servers.

The site is built with a test catalog (``DIAGNOSTICS_CATALOG``) listing one loopback
server per kind of activation server (tools/diagnose_endpoints.py): healthy, answering
503 or 429, answering without CORS headers, accepting and never answering, a closed port,
and the example vendor's placeholder marked as a demo (never tried).
The same built site is also served with a skewed ``Date`` header and with a stricter CSP
header, the way a host could add one.
"""

import datetime
import functools
import http.server
import re
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from axe import axe_violations  # noqa: E402
from diagnose_endpoints import DEMO_URL, KINDS, LoopbackEndpoints  # noqa: E402
from site_server import ServedSite, StaticSiteHandler  # noqa: E402

PAGE = "diagnose/"
RUN_TIMEOUT = 30.0
# The Date header has whole seconds and the loopback round trip is short: 3 s is generous.
CLOCK_TOLERANCE_MS = 3000
LINKS = {  # the section each kind of trouble links to
    "endpoint_server_error": "troubleshooting/#server-problems",
    "endpoint_opaque_after_cors": "troubleshooting/#server-problems",
    "endpoint_timeout": "troubleshooting/#check-connection",
    "endpoint_blocked": "troubleshooting/#check-firewall",
}


@pytest.fixture(scope="module")
def endpoints():
    running = LoopbackEndpoints()
    yield running
    running.close()


@pytest.fixture(scope="module")
def diagnose_site(endpoints, tmp_path_factory):
    folder = tmp_path_factory.mktemp("diagnose")
    catalog = endpoints.write_catalog(folder / "diagnostics.yml")
    served = ServedSite(folder / "site", extra_env={"DIAGNOSTICS_CATALOG": str(catalog)})
    yield served
    served.close()


class _Served:
    """The already built site served again, with a changed handler (skewed Date, CSP header)."""

    def __init__(self, directory, date_offset=0.0, csp_header=None):
        def date_time_string(handler, timestamp=None):
            return http.server.BaseHTTPRequestHandler.date_time_string(handler, time.time() + date_offset)

        def end_headers(handler):
            if csp_header:
                handler.send_header("Content-Security-Policy", csp_header)
            StaticSiteHandler.end_headers(handler)

        handler = type("Handler", (StaticSiteHandler,), {"date_time_string": date_time_string,
                                                         "end_headers": end_headers})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page_url(self, lang, path=""):
        return self.url + ("" if lang == LANGUAGES[0] else f"{lang}/") + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def page_url(served, lang, path=PAGE):
    return served.url + ("" if lang == LANGUAGES[0] else f"{lang}/") + path


def run_diagnosis(page):
    """Click the button as a reader does; return every result as the page shows it."""
    deadline = time.monotonic() + 10
    while page.evaluate("document.querySelector('.diagnose').dataset.state") != "ready":
        if time.monotonic() > deadline:
            pytest.fail("the diagnosis never became ready")
        page.wait_for_timeout(50)
    page.click(".diagnose__start")
    deadline = time.monotonic() + RUN_TIMEOUT
    while page.evaluate("document.querySelector('.diagnose').dataset.state") != "done":
        if time.monotonic() > deadline:
            pytest.fail("the diagnosis did not finish")
        page.wait_for_timeout(50)
    return page.evaluate("""() => [...document.querySelectorAll('.diagnose__item')].map(li => ({
        check: li.dataset.check, endpoint: li.dataset.endpoint || null, kind: li.dataset.result,
        status: li.dataset.status, skewMs: li.dataset.skewMs ? Number(li.dataset.skewMs) : null,
        siteSkewMs: li.dataset.siteSkewMs ? Number(li.dataset.siteSkewMs) : null,
        message: li.querySelector('.diagnose__message').textContent,
        details: li.querySelector('.diagnose__details p')?.textContent ?? null,
        detailsOpen: li.querySelector('.diagnose__details')?.open ?? null,
        links: [...li.querySelectorAll('a')].map(a => a.href),
    }))""")


def by_check(results, check):
    return [r for r in results if r["check"] == check]


def endpoint_results(results):
    return {r["endpoint"]: r for r in by_check(results, "endpoint")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_kind_of_activation_server_is_told_apart(diagnose_site, endpoints, browser, lang):
    context = browser.new_context()
    # A cookie for 127.0.0.1 would go to every port of it if credentials were sent.
    context.add_cookies([{"name": "session", "value": "secret-cookie", "url": diagnose_site.url}])
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    try:
        page.goto(page_url(diagnose_site, lang))
        region = page.evaluate("""() => { const r = document.querySelector('.diagnose__results');
            return [r.getAttribute('role'), r.getAttribute('aria-live')]; }""")
        before = {i: len(endpoints.requests(i)) for i in endpoints.servers}
        results = run_diagnosis(page)
        busy = page.evaluate("document.querySelector('.diagnose__results').getAttribute('aria-busy')")
    finally:
        context.close()

    assert region == ["status", "polite"] and busy is None
    shown = endpoint_results(results)
    assert {i: r["kind"] for i, r in shown.items()} == KINDS
    for endpoint_id, result in shown.items():
        name = f"テスト {endpoint_id}" if lang == "ja" else f"Test {endpoint_id}"
        assert name in result["message"]
        if result["kind"] in LINKS:
            assert result["links"] == [page_url(diagnose_site, lang, LINKS[result["kind"]])], result
    assert "503" in shown["busy"]["message"]
    assert "429" in shown["rate-limited"]["message"]  # rate-limited: the server's side, not the reader's network
    assert shown["healthy"]["status"] == "ok" and shown["closed"]["status"] == "problem"
    # The placeholder is shown as an example, says nothing is wrong here, and is never tried.
    demo = shown["demo"]
    assert demo["status"] == "info" and not demo["links"], demo
    assert ("説明用の例" if lang == "ja" else "not a real server") in demo["message"]
    assert DEMO_URL not in requested
    # Plain words in the result, the technical words behind a closed disclosure.
    blocked = shown["closed"]
    assert "DNS" not in blocked["message"] and "DNS" in blocked["details"] and blocked["detailsOpen"] is False
    assert [r["kind"] for r in by_check(results, "online")] == ["online_ok"]
    assert [r["kind"] for r in by_check(results, "clock")] == ["clock_ok"]
    assert [r["kind"] for r in by_check(results, "key-checker")] == ["key_checker_ok"]
    assert re.search(r"Chrome \d+", by_check(results, "browser")[0]["message"])

    # Only this site and the endpoints in the data file, exactly as listed.
    site_origin = diagnose_site.url.rstrip("/")
    allowed = set(endpoints.urls.values()) - {DEMO_URL}
    strangers = [u for u in requested if not u.startswith(site_origin + "/") and u not in allowed]
    assert not strangers, strangers
    assert allowed <= set(requested)  # and each of them was tried
    # Nothing about the reader: no cookie, no referrer, no query.
    for endpoint_id in endpoints.servers:
        seen = endpoints.requests(endpoint_id)[before[endpoint_id]:]
        assert seen, endpoint_id
        for method, path, headers in seen:
            assert (method, path) == ("GET", "/health")
            lowered = {k.lower() for k in headers}
            assert "cookie" not in lowered and "referer" not in lowered, headers


def test_an_endpoint_the_csp_forbids_cannot_be_tried_rather_than_blocked(diagnose_site, endpoints, browser):
    # The host adds its own policy that allows no other origin: both policies apply.
    served = _Served(diagnose_site.dir, csp_header="connect-src 'self'")
    context = browser.new_context()
    page = context.new_page()
    try:
        before = {i: len(endpoints.requests(i)) for i in endpoints.servers}
        page.goto(served.page_url("en", PAGE))
        results = run_diagnosis(page)
    finally:
        context.close()
        served.close()
    shown = endpoint_results(results)
    assert {r["kind"] for i, r in shown.items() if i != "demo"} == {"endpoint_csp"}, {i: r["kind"] for i, r in shown.items()}
    assert all(r["status"] != "problem" for r in shown.values())
    assert "Content Security Policy" in shown["healthy"]["details"]  # the technical name, behind the disclosure
    assert all(len(endpoints.requests(i)) == before[i] for i in endpoints.servers)


def test_offline_says_so_and_tries_no_endpoint(diagnose_site, endpoints, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(page_url(diagnose_site, "ja"))
        before = {i: len(endpoints.requests(i)) for i in endpoints.servers}
        context.set_offline(True)
        results = run_diagnosis(page)
    finally:
        context.close()
    assert by_check(results, "online")[0]["kind"] == "online_failed"
    assert by_check(results, "online")[0]["links"] == [page_url(diagnose_site, "ja", "troubleshooting/#check-connection")]
    assert {r["kind"] for i, r in endpoint_results(results).items() if i != "demo"} == {"endpoint_offline"}
    assert [r["check"] for r in results if r["status"] == "problem"] == ["online"]  # one problem, said once
    assert by_check(results, "clock")[0]["kind"] == "clock_unknown"
    assert all(len(endpoints.requests(i)) == before[i] for i in endpoints.servers)


MINUTE = datetime.timedelta(minutes=1)
CLOCK_CASES = {  # id: (this computer's shift, the help site server's shift, activation server's Date readable, kind)
    # Both servers agree: a verdict on this computer's clock.
    "device-ahead": (10 * MINUTE, 0 * MINUTE, True, "clock_ahead"),
    "device-behind": (-2 * 60 * MINUTE, 0 * MINUTE, True, "clock_behind"),
    # The help site's server is 2 h ahead; the activation server agrees with this computer.
    "site-server-ahead": (0 * MINUTE, 2 * 60 * MINUTE, True, "clock_site_differs"),
    # The same with no activation server's Date to compare: a disagreement between two named clocks.
    "site-server-ahead-alone": (0 * MINUTE, 2 * 60 * MINUTE, False, "clock_differs_behind"),
    "device-ahead-alone": (10 * MINUTE, 0 * MINUTE, False, "clock_differs_ahead"),
    # This computer agrees with the help site; the activation server's clock is the odd one out.
    "activation-server-off": (30 * MINUTE, 30 * MINUTE, True, "clock_server_differs"),
}
CLOCK_WORDS = {  # what the page may say about this computer's clock, per kind and language
    "clock_ahead": {"ja": "パソコンの時計が約 {m} 分進んでいます", "en": "Your computer's clock is ahead by about {m} minutes"},
    "clock_behind": {"ja": "パソコンの時計が約 {m} 分遅れています", "en": "Your computer's clock is behind by about {m} minutes"},
    "clock_site_differs": {"ja": "このサイトのサーバーの時計は約 {m} 分ずれています",
                           "en": "This site's server clock is about {m} minutes off"},
    "clock_differs_behind": {"ja": "このパソコンの時計は、このサイトのサーバーの時計より約 {m} 分遅れています",
                             "en": "This computer's clock is about {m} minutes behind the clock of this site's server"},
    "clock_differs_ahead": {"ja": "このパソコンの時計は、このサイトのサーバーの時計より約 {m} 分進んでいます",
                            "en": "This computer's clock is about {m} minutes ahead of the clock of this site's server"},
    "clock_server_differs": {"ja": "テスト healthyの時計とは約 {m} 分ずれています",
                             "en": "differs from the clock of Test healthy by about {m} minutes"},
}
VERDICTS = {"ja": ("パソコンの時計が約",),
            "en": ("Your computer's clock is ahead", "Your computer's clock is behind")}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", CLOCK_CASES)
def test_the_clock_is_judged_only_when_two_servers_agree(diagnose_site, endpoints, browser, lang, case):
    device_shift, server_shift, readable, kind = CLOCK_CASES[case]
    served = _Served(diagnose_site.dir, date_offset=server_shift.total_seconds())
    context = browser.new_context()
    page = context.new_page()
    endpoints.set_clock_visible("healthy", readable)
    try:
        if device_shift:
            page.clock.install(time=datetime.datetime.now(datetime.timezone.utc) + device_shift)
        page.goto(served.page_url(lang, PAGE))
        clock = by_check(run_diagnosis(page), "clock")[0]
    finally:
        endpoints.set_clock_visible("healthy", True)
        context.close()
        served.close()
    assert clock["kind"] == kind, clock
    if kind == "clock_site_differs":
        truth = server_shift
    elif kind == "clock_server_differs":
        truth = device_shift
    else:
        truth = device_shift - server_shift if not readable else device_shift
    minutes = round(abs(truth.total_seconds()) / 60)
    assert CLOCK_WORDS[kind][lang].format(m=minutes) in clock["message"], clock["message"]
    if kind not in ("clock_ahead", "clock_behind"):  # no verdict on this computer's clock
        assert not any(words in clock["message"] for words in VERDICTS[lang]), clock["message"]
    if kind == "clock_site_differs":
        assert clock["status"] == "ok" and not clock["links"]
    elif kind == "clock_server_differs":
        assert clock["links"] == [served.page_url(lang, "troubleshooting/#server-problems")]
    else:
        assert clock["links"] == [served.page_url(lang, "troubleshooting/#system-settings")]


def test_a_right_clock_is_right(diagnose_site, browser):
    served = _Served(diagnose_site.dir, date_offset=60)  # a minute: under the 120 s threshold
    page = browser.new_page()
    try:
        page.goto(served.page_url("ja", PAGE))
        clock = by_check(run_diagnosis(page), "clock")[0]
    finally:
        page.close()
        served.close()
    assert clock["kind"] == "clock_ok" and abs(clock["siteSkewMs"] + 60000) < CLOCK_TOLERANCE_MS, clock
    assert abs(clock["skewMs"]) < CLOCK_TOLERANCE_MS, clock  # against the activation server's Date
    assert not clock["links"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_for_support_holds_the_results_and_nothing_else(diagnose_site, browser, lang):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=diagnose_site.url.rstrip("/"))
    context.add_cookies([{"name": "session", "value": "secret-cookie", "url": diagnose_site.url}])
    page = context.new_page()
    try:
        page.goto(page_url(diagnose_site, lang) + "?ref=reader-42")
        results = run_diagnosis(page)
        # The summary text is shown only if copying fails (for selecting it by hand).
        fallback_shown = page.is_visible(".diagnose__summary-text")
        page.click(".diagnose__copy")
        page.wait_for_timeout(200)
        summary = page.evaluate("navigator.clipboard.readText()")
        note = page.text_content(".diagnose__copy-note")
    finally:
        context.close()
    assert not fallback_shown
    lines = summary.splitlines()
    assert lines[0] == ("このパソコンの確認結果" if lang == "ja" else "Check of this computer")
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", summary)  # when
    for result in results:
        assert any(result["message"][:40] in line for line in lines), result["message"]
    assert "Chrome" in summary and "Linux" in summary
    for private in ("reader-42", "secret-cookie", "127.0.0.1"):
        assert private not in summary
    assert note == ("概要をコピーしました" if lang == "ja" else "Summary copied")


@pytest.mark.parametrize("lang, scheme", [("ja", "light"), ("en", "dark")])
def test_results_have_no_csp_or_axe_violation(diagnose_site, browser, lang, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script("""
        window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    """)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_url(diagnose_site, lang))
        before = axe_violations(page)
        run_diagnosis(page)
        csp = page.evaluate("window.__csp")
        after = axe_violations(page)
    finally:
        context.close()
    assert not csp, csp
    assert not errors, errors
    assert not before, before
    assert not after, after


def test_only_the_diagnose_page_loads_its_module(site, page):
    requested = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    page.goto(site.page_url("en", "troubleshooting/"))
    assert requested and not [p for p in requested if "diagnose" in p]
    page.goto(site.page_url("en", PAGE))
    assert any(p.endswith("/diagnose.js") for p in requested)


def test_a_browser_without_what_the_key_checker_needs_is_told_so(diagnose_site, browser):
    context = browser.new_context()
    # As an old browser: no streaming WebAssembly compile, no DecompressionStream.
    context.add_init_script("delete WebAssembly.compileStreaming; delete window.DecompressionStream;")
    page = context.new_page()
    try:
        page.goto(page_url(diagnose_site, "en"))
        result = by_check(run_diagnosis(page), "key-checker")[0]
    finally:
        context.close()
    assert result["kind"] == "key_checker_missing" and result["status"] == "problem"
    # Plain words for the reader; the features' technical names behind the disclosure, for support.
    assert "update your browser" in result["message"] and "WebAssembly" not in result["message"]
    assert "WebAssembly" in result["details"] and "DecompressionStream" in result["details"]
    assert "module Web Workers" not in result["details"]  # Chromium has those
    assert result["links"] == [page_url(diagnose_site, "en", "entering-keys/#key-format")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_example_blames_nothing_on_the_readers_computer(site, browser, lang):
    """The example catalog's placeholder server is shown as an example and never tried (issue 19.11, 21.6)."""
    import yaml

    texts = yaml.safe_load((ROOT / "catalog" / "diagnostics.yml").read_text(encoding="utf-8"))[lang]
    context = browser.new_context()
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    try:
        page.goto(site.page_url(lang, PAGE))
        listed = page.text_content(".diagnose__endpoints")
        results = run_diagnosis(page)
    finally:
        context.close()
    (endpoint,) = by_check(results, "endpoint")
    assert endpoint["kind"] == "endpoint_demo" and endpoint["status"] == "info" and not endpoint["links"], endpoint
    assert texts["demo_label"] in listed
    assert [r["check"] for r in results if r["status"] == "problem"] == []  # nothing to fix on this computer
    assert not [u for u in requested if "example.com" in u], requested
