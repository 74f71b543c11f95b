"""The in-browser key checker (issue 4): the real site, the real Pyodide, Debian's Chromium.

The widget must answer exactly as ``checker.diagnose`` does under CPython, keep the key on
the device, survive a blocked or corrupt runtime, and break no CSP or WCAG rule.
"""

import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import checker
from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from axe import axe_violations  # noqa: E402  (tools/axe.py injects node_modules/axe-core)

# The example vendor's keys and vectors (conftest.py skips them for another key format).
pytestmark = pytest.mark.example_format

VECTORS = ROOT / "tests" / "vectors" / "diagnose.jsonl"
WIDGET = ".key-checker"
RESULT = ".key-checker__result"
INPUT = ".key-checker__input"
MODULE = "assets/javascripts/key-checker.js"
# A valid demo key (checker docstring) and the same key as a reader might paste it.
KEY = "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"
READY_TIMEOUT = 30.0


def widget_state(page):
    return page.evaluate("document.querySelector('.key-checker').dataset.state")


def wait_for_state(page, *states, timeout=READY_TIMEOUT):
    """Poll (a page CSP blocks wait_for_function's eval) until the widget is in one of `states`."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = widget_state(page)
        if state in states:
            return state
        page.wait_for_timeout(50)
    pytest.fail(f"widget stayed {state!r}, expected {states}")


def runtime_status(page, site):
    return page.evaluate("url => import(url).then(m => m.status())", site.url + MODULE)


def enter(page, text, expect=None):
    """Type a key as a reader does (then Enter) and return the rendered result."""
    page.select_option(".key-checker__expect", expect or "")
    page.fill(INPUT, "")
    page.press(INPUT, "Enter")
    page.fill(INPUT, text)
    page.press(INPUT, "Enter")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done = page.evaluate("""sel => {
            const out = document.querySelector(sel);
            return !out.hasAttribute('aria-busy') && out.dataset.valid !== undefined;
        }""", RESULT)
        if done:
            break
        page.wait_for_timeout(20)
    else:
        pytest.fail(f"no result for {text!r}")
    return page.evaluate("""sel => {
        const out = document.querySelector(sel);
        const key = out.querySelector('.key-checker__key');
        return {
            valid: out.dataset.valid === 'true',
            normalized: key ? key.textContent : null,
            codes: [...out.querySelectorAll('.key-checker__finding')].map(li => li.dataset.code),
            messages: [...out.querySelectorAll('.key-checker__message')].map(m => m.textContent),
            help: [...out.querySelectorAll('a.key-checker__help')].map(a => a.href),
            marked: [...out.querySelectorAll('mark')].map(m => m.textContent),
        };
    }""", RESULT)


def vector_subset():
    """One vector per (language, findings, verdict) kind: every code, both languages, typeable."""
    chosen, seen = [], set()
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        vector = json.loads(line)
        text = vector["input"]
        # An <input> drops line breaks, and a lone surrogate cannot be typed. An empty
        # input clears the result instead of saying so (whitespace alone is checked).
        if not text or any(c in text for c in "\r\n") or any(0xD800 <= ord(c) <= 0xDFFF for c in text) or "\0" in text:
            continue
        kind = (vector["lang"], vector["valid"], tuple(f["code"] for f in vector["findings"]), bool(vector["expect"]))
        if kind not in seen:
            seen.add(kind)
            chosen.append(vector)
    return chosen


@pytest.fixture(scope="module")
def vectors():
    if not VECTORS.exists():
        pytest.fail(f"{VECTORS} is missing", pytrace=False)
    return vector_subset()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_widget_answers_as_cpython_does(site, page, vectors, lang):
    page.goto(site.page_url(lang, "checker/"))
    wait_for_state(page, "ready")
    assert runtime_status(page, site)["mode"] == "snapshot"
    subset = [v for v in vectors if v["lang"] == lang]
    codes = {f["code"] for v in subset for f in v["findings"]}
    assert len(subset) >= 15 and len(codes) >= 9, (len(subset), codes)
    base = site.page_url(lang)
    for vector in subset:
        expected = checker.diagnose(vector["input"], lang=lang, expect=vector["expect"])
        shown = enter(page, vector["input"], vector["expect"])
        label = vector["id"]
        assert shown["valid"] == expected["valid"], label
        assert shown["codes"] == [f["code"] for f in expected["findings"]], label
        assert shown["messages"] == [f["message"] for f in expected["findings"]], label
        assert shown["normalized"] == expected["normalized"], label
        assert shown["help"] == [base + f["help"] for f in expected["findings"] if f["help"]], label


def test_corrected_characters_are_marked(site, page):
    page.goto(site.page_url("en", "checker/"))
    wait_for_state(page, "ready")
    # "1" typed as "l" and the "0"s... here "S6AB1" with an I for the 1, full-width C.
    shown = enter(page, "S6ABI-\uff23DEF2-GHJK3-MNPQ4-RSTVH")
    assert shown["valid"], shown
    assert shown["normalized"] == KEY
    assert shown["marked"] == ["1", "C"], shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_box_is_answered_when_asked_and_cleared_while_typing(site, page, lang):
    page.goto(site.page_url(lang, "checker/"))
    wait_for_state(page, "ready")
    shown = enter(page, "")  # Enter on an empty box: the checker says what to type
    assert not shown["valid"] and shown["codes"] == ["empty"], shown
    assert shown["messages"] == [f["message"] for f in checker.diagnose("", lang=lang)["findings"]]
    assert enter(page, KEY)["valid"]
    page.fill(INPUT, "")  # emptied while typing: no nagging, the result goes away
    page.wait_for_timeout(500)
    assert page.evaluate("sel => document.querySelector(sel).dataset.valid", RESULT) is None
    assert page.text_content(RESULT).strip() == ""


def test_widget_on_the_entering_keys_page(site, page):
    page.goto(site.page_url("ja", "entering-keys/"))
    wait_for_state(page, "ready")
    assert page.get_attribute(f"{WIDGET} label", "for") == page.get_attribute(INPUT, "id")
    assert page.inner_text(f"{WIDGET} label >> nth=0") == "ライセンスキー"
    assert enter(page, KEY.lower())["valid"]


def test_a_key_typed_before_the_runtime_is_ready_is_checked(site, page):
    page.goto(site.page_url("en", "checker/"), wait_until="commit")
    page.wait_for_selector(INPUT)
    page.fill(INPUT, KEY)
    assert widget_state(page) == "loading"
    wait_for_state(page, "ready")
    deadline = time.monotonic() + 10
    while page.get_attribute(RESULT, "data-valid") is None and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert page.get_attribute(RESULT, "data-valid") == "true"


def test_the_key_never_leaves_the_page(site, browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    seen = []  # every request URL and body, and every console message, of page and worker
    context.on("request", lambda r: seen.append(r.url + "\n" + (r.post_data or "")))
    page = context.new_page()
    page.on("console", lambda m: seen.append(m.text))
    page.on("worker", lambda w: w.on("console", lambda m: seen.append(m.text)))
    try:
        page.goto(site.page_url("en", "checker/"))
        wait_for_state(page, "ready")
        for text in (KEY, KEY.replace("-", ""), KEY.lower(), KEY.replace("1", "I")):
            assert enter(page, text, "studio/6")["valid"]
        page.click(".key-checker__summary")
        page.wait_for_timeout(200)
        summary = page.evaluate("navigator.clipboard.readText()")
        page.click(".key-checker__copy")
        page.wait_for_timeout(200)
        copied = page.evaluate("navigator.clipboard.readText()")
        page.press(INPUT, "Enter")
        page.click(".key-checker__check")
        page.wait_for_timeout(300)
        stored = page.evaluate("""async () => ({
            local: JSON.stringify(Object.entries(localStorage)),
            session: JSON.stringify(Object.entries(sessionStorage)),
            cookie: document.cookie,
            url: location.href,
            history: history.length + JSON.stringify(history.state),
            databases: JSON.stringify(await indexedDB.databases()),
            caches: JSON.stringify(await caches.keys()),
        })""")
        cookies = json.dumps(context.cookies())
        stored["page_url"] = page.url
    finally:
        context.close()
    assert copied == KEY  # the copy button copies the key as it should be typed
    assert "S6AB1-•••••-•••••-•••••-RSTVH" in summary, summary
    secrets = {KEY, KEY.replace("-", ""), KEY.lower(), KEY.replace("-", "").lower(), "CDEF2", "GHJK3", "MNPQ4"}
    for secret in secrets:
        assert secret not in summary, "the summary holds more than the first and last group"
        for where, text in [*stored.items(), ("cookies", cookies)]:
            assert secret.lower() not in text.lower(), f"key found in {where}: {text[:200]}"
        for entry in seen:
            assert secret.lower() not in entry.lower(), f"key found in a request or console message: {entry[:200]}"
    assert len(seen) > 5, seen  # the listeners did see the traffic


def is_wasm(url):
    return urlsplit(url).path.endswith((".wasm", ".wasm.gz", ".wasm.zst"))


def test_blocked_wasm_gives_the_error_state_and_retry_recovers(site, page):
    page.context.route(is_wasm, lambda route: route.abort())
    page.goto(site.page_url("ja", "checker/"))
    assert wait_for_state(page, "error", "ready") == "error"
    assert page.is_visible(".key-checker__retry")
    assert page.is_visible(".key-checker__error")
    manual = page.eval_on_selector_all(".key-checker__manual a", "as => as.map(a => a.href)")
    assert site.page_url("ja", "entering-keys/#key-format") in manual
    assert not page.is_visible(".key-checker__loading")

    page.context.unroute(is_wasm)
    page.click(".key-checker__retry")
    assert wait_for_state(page, "ready", "error") == "ready"
    assert enter(page, KEY)["valid"]


def test_an_unpacker_that_does_not_load_falls_back_to_the_plain_load(site, page):
    page.context.route("**/key-checker-unpacker.js*", lambda route: route.abort())
    page.goto(site.page_url("ja", "checker/"))
    assert wait_for_state(page, "ready", "error") == "ready"
    assert runtime_status(page, site)["mode"] == "plain"
    assert enter(page, KEY)["valid"]


def test_corrupt_snapshot_falls_back_to_the_plain_load(site, page):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.context.route("**/snapshot.bin.gz*", lambda route: route.fulfill(
        status=200, body=b"\x1f\x8b garbage, not a snapshot" * 100, content_type="application/gzip"))
    page.goto(site.page_url("en", "checker/"))
    assert wait_for_state(page, "ready", "error") == "ready"
    assert runtime_status(page, site)["mode"] == "plain"
    result = enter(page, KEY.replace("B", "8", 1))
    assert not result["valid"] and result["codes"] == ["checksum"]
    assert enter(page, KEY)["valid"]
    assert any(u.endswith("pyodide-lock.json") for u in requested)


def test_snapshot_that_does_not_unpack_falls_back_to_the_plain_load(site, page):
    # The file passes its SRI check, but the page says the snapshot is one byte longer
    # than the sparse container holds: the worker's decoder must refuse it.
    def shifted(route):
        response = route.fetch()
        body = re.sub(r'("snapshotBytes": ?)(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 1), response.text())
        assert body != response.text()
        route.fulfill(response=response, body=body)

    page.route(site.page_url("en", "checker/"), shifted)
    page.goto(site.page_url("en", "checker/"))
    assert wait_for_state(page, "ready", "error") == "ready"
    assert runtime_status(page, site)["mode"] == "plain"
    assert enter(page, KEY)["valid"]


@pytest.mark.parametrize("lang, scheme", [("ja", "light"), ("en", "dark")])
def test_checker_page_has_no_csp_or_axe_violation(site, browser, lang, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script("""
        window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    """)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("worker", lambda w: w.on("console", lambda m: m.type == "error" and problems.append(m.text)))
    try:
        page.goto(site.page_url(lang, "checker/"))
        wait_for_state(page, "ready")
        enter(page, "S6ABO-CDEF2-GHJK3-MNPQ4-RSTVQ", "pro/6")  # findings, marks, suggestions on screen
        csp = page.evaluate("window.__csp")
        scheme_seen = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        violations = axe_violations(page)
    finally:
        context.close()
    assert scheme_seen == ("slate" if scheme == "dark" else "default")
    assert not csp, csp
    assert not problems, problems
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_error_state_has_no_axe_violation(site, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.route(is_wasm, lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(site.page_url("ja", "checker/"))
        assert wait_for_state(page, "error", "ready") == "error"
        violations = axe_violations(page)
    finally:
        context.close()
    assert not violations, "\n".join(violations)


def test_every_page_carries_the_csp_first_in_head(site):
    import importlib.util

    spec = importlib.util.spec_from_file_location("diagnose_hook", ROOT / "overrides/hooks/diagnose.py")
    diagnose = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(diagnose)
    endpoints = diagnose.connect_sources(diagnose.load_catalog(diagnose.catalog_path(), list(LANGUAGES)))
    checked = diagnose_pages = 0
    for path in site.html_files():
        html = path.read_text(encoding="utf-8")
        head = html[html.index("<head>"):html.index("</head>")]
        tags = re.findall(r"<(?:meta|link|script|style|title|base)\b[^>]*>", head)
        assert tags and "charset" in tags[0] and 'http-equiv="Content-Security-Policy"' in tags[1], path
        policy = re.search(r'content="([^"]*)"', tags[1]).group(1)
        directives = {name: sources for name, *sources in (d.split() for d in policy.split(";") if d.strip())}
        # Only "Check this computer" may reach out, to exactly the catalog's endpoints, in connect-src.
        allowed = endpoints if path.parent.name == "diagnose" else []
        diagnose_pages += bool(allowed)
        for name, sources in directives.items():
            assert "'unsafe-eval'" not in sources, (path, name)
            # Keywords and hashes are quoted; any other source (scheme, host, *) names something outside.
            outside = [source for source in sources
                       if not source.startswith("'") and (name, source) != ("img-src", "data:")]
            assert outside == (allowed if name == "connect-src" else []), (path, name, outside)
        script_src = re.search(r"script-src ([^;]*)", policy)
        assert not script_src or "'unsafe-inline'" not in script_src.group(1), path
        if "assets/javascripts/bundle." in html:  # a Material page
            assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in policy, path
            assert "worker-src 'self'" in policy and "connect-src 'self'" in policy, path
            checked += 1
    assert checked >= 14, checked
    assert diagnose_pages == (len(LANGUAGES) if endpoints else 0), diagnose_pages


def test_pages_without_the_widget_load_nothing_of_the_runtime(site, page):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    for lang in LANGUAGES:
        for path in ("", "troubleshooting/", "faq/"):
            page.goto(site.page_url(lang, path))
            page.wait_for_load_state("networkidle")
    runtime = [u for u in requested if "/assets/pyodide/" in u or "key-checker" in u]
    assert len(requested) > 10 and not runtime, runtime
    page.goto(site.page_url("en", "entering-keys/"))
    wait_for_state(page, "ready")
    assert any("/assets/pyodide/" in u for u in requested)  # the widget page does


def test_unknown_marker_and_missing_runtime_stop_the_build(monkeypatch, tmp_path):
    import importlib.util

    from mkdocs.exceptions import PluginError

    spec = importlib.util.spec_from_file_location("key_checker_hook", ROOT / "overrides/hooks/key_checker.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)

    class Page:
        class file:
            src_uri = "x.md"
        meta = {}
        url = "x/"

    with pytest.raises(PluginError, match="unknown marker .*key-checker-typo"):
        hook.on_page_content("<p>a</p>\n<!-- key-checker-typo -->", Page, None, None)
    monkeypatch.setattr(hook, "MANIFEST", Path(tmp_path / "missing.json"))
    with pytest.raises(PluginError, match="make runtime"):
        hook.on_config({})


# Material's search worker holds its index build back on pages with the widget until the
# checker has started (docs/assets/javascripts/workers/search-segmenter.js, at most 4 s):
# both share two cores while the page starts.

def test_the_checker_tells_the_search_worker_when_it_has_started(site, page):
    page.add_init_script("""
        window.__heard = [];
        new BroadcastChannel("key-checker").onmessage = ({ data }) => window.__heard.push(data);
    """)
    page.goto(site.page_url("en", "checker/"))
    wait_for_state(page, "ready")
    deadline = time.monotonic() + 5
    while not page.evaluate("window.__heard.length") and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert page.evaluate("window.__heard") == ["ready"]
    config = json.loads(page.text_content("#__config"))
    assert "after=key-checker" in config["search"]


def test_search_on_a_checker_page_waits_for_the_checker_then_answers(site, page):
    from test_site_browser import SEARCHES, search

    held = []
    page.context.route("**/snapshot.bin.gz*", lambda route: held.append(route))  # never answered: the checker keeps loading
    page.goto(site.page_url("en", "checker/"))
    assert search(page, SEARCHES["en"][0], timeout=1.5) == []  # held back
    assert widget_state(page) == "loading"
    assert search(page, SEARCHES["en"][0], timeout=10), "the search index was never built"


def test_pages_without_the_widget_do_not_hold_search_back(site, page):
    page.goto(site.page_url("en", "troubleshooting/"))
    assert "after=key-checker" not in json.loads(page.text_content("#__config"))["search"]
