"""The site in Firefox ESR and in WebKit (issue 15), as Chromium sees it in the other tests.

Debian's firefox-esr (Marionette) and WebKitGTK's MiniBrowser (WebKitWebDriver, selenium, on an
Xvfb display of our own): see tools/browser_engines.py. The site is served by Debian's nginx with
the project's deploy/ configuration (tools/web_servers.py). Each checker load is a new browser with
nothing cached, repeated so that a start that stalls one time in two cannot pass: a stalled
start gives way to the plain one, so every load must be ready through the start the unpacker
chose, not through that fallback (the ready mark's `fellBack`).
A missing engine fails with what to install; nothing is skipped.
"""

import json
import sys
import time

import pytest

from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from browser_engines import Firefox, WebKit, Xvfb  # noqa: E402
from web_servers import serve  # noqa: E402

ENGINES = ("firefox", "webkit")
COLD_LOADS = 3  # per engine and page kind
from conftest import INVALID_KEY, VALID_KEY as KEY  # noqa: E402  (of the key format in use)
SEARCHES = {"ja": "認証", "en": "activation"}  # as in tests/test_site_browser.py
# Generous bounds for a machine shared by many jobs: a stall shows as the plain start, not as time.
READY_WITHIN = 90
PAGE_WITHIN = 30
ENTER = "\ue007"  # WebDriver's Enter key


@pytest.fixture(scope="module")
def display():
    xvfb = Xvfb()
    yield xvfb.display
    xvfb.close()


@pytest.fixture(scope="module")
def host(site):
    """The built site behind Debian's nginx with the project's deploy/ configuration."""
    with serve("nginx", site.dir, "deploy") as base_url:
        yield base_url


def at(host, lang, path=""):
    return host + ("" if lang == LANGUAGES[0] else f"{lang}/") + path


@pytest.fixture(scope="module")
def links(site, host):
    """links.json, its addresses moved from the build's own server to nginx."""
    text = (site.dir / "links.json").read_text(encoding="utf-8")
    return json.loads(text.replace(site.url, host))


def new_browser(engine, request):
    if engine == "firefox":
        return Firefox()
    return WebKit(request.getfixturevalue("display"))


def checker_ready(browser):
    """Wait until the widget leaves `loading`; return (state, modes of the runtimes that got ready)."""
    state = browser.wait("const w = document.querySelector('.key-checker');"
                         "return w && w.dataset.state !== 'loading' && w.dataset.state", timeout=READY_WITHIN)
    marks = browser.run("return performance.getEntriesByName('key-checker-ready').map(e => e.detail)")
    return state, [mark["mode"] for mark in marks], marks


def verdict(browser, text):
    browser.run("const input = document.querySelector('.key-checker__input'); input.value = '';")
    browser.type(".key-checker__input", text)
    time.sleep(0.5)  # past the widget's typing debounce: the last check is the whole key's
    return browser.wait("const out = document.querySelector('.key-checker__result');"
                        "return !out.hasAttribute('aria-busy') && out.dataset.valid", timeout=PAGE_WITHIN)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("engine", ENGINES)
def test_the_checker_is_ready_on_every_cold_load_and_judges_keys(host, request, engine, lang):
    for load in range(COLD_LOADS):
        with new_browser(engine, request) as browser:
            browser.open(at(host, lang, "checker/"))
            state, modes, marks = checker_ready(browser)
            # Ready through the start the unpacker chose (on loopback the snapshot, unless the
            # probe of a cold browser came late: then plain), never through a fallback.
            assert state == "ready" and len(marks) == 1 and not marks[0]["fellBack"], \
                f"{engine}, cold load {load + 1}: {state}, {marks}"
            if load == 0:
                assert verdict(browser, KEY) == "true"
                assert verdict(browser, INVALID_KEY) == "false"


# The runtime's store (key-checker-unpacker.js): the names of its caches and how many files
# each holds, read into window.__store (WebDriver scripts here are synchronous).
READ_STORE = """window.__store = null;
    caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n)
        .then((c) => c.keys()).then((keys) => [n, keys.length]))))
      .then((found) => { window.__store = found; }, () => { window.__store = []; });"""


def store_of(browser, within=20):
    """[[cache name, files]] of the runtime's store once it holds a start's two files (or
    whatever it holds after `within` s: an engine may keep no store at all)."""
    deadline = time.monotonic() + within
    while True:
        browser.run(READ_STORE)
        found = browser.wait("return window.__store", timeout=PAGE_WITHIN)
        if any(files >= 2 for _, files in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_return_visit_starts_from_what_the_first_kept(host, request, engine):
    """Issue 22: a return visit takes the files the first visit stored (or, in an engine that
    does not keep them, the HTTP cache's copy), through the start chosen, never the fallback."""
    with new_browser(engine, request) as browser:
        browser.open(at(host, "en", "checker/"))
        state, _modes, marks = checker_ready(browser)
        assert state == "ready" and not marks[0]["fellBack"], f"{engine}, first visit: {state}, {marks}"
        store = store_of(browser)
        assert [files for name, files in store if name.startswith("key-checker-runtime-")] == [2], \
            f"{engine}: the runtime's store after the first visit: {store}"
        browser.open(at(host, "en", "checker/"))
        state, _modes, marks = checker_ready(browser)
        assert state == "ready" and len(marks) == 1 and not marks[0]["fellBack"], \
            f"{engine}, return visit: {state}, {marks}"
        if engine == "webkit":
            # WebKitGTK's automation session drops the files a worker stored once that worker
            # is gone (the cache's name stays, empty): the copy in the HTTP cache then.
            assert marks[0]["binary"]["cached"] is True, f"{engine}: {marks}"
        else:
            assert marks[0]["binary"] == {"copy": "stored", "cached": True}, f"{engine}: {marks}"
        assert verdict(browser, KEY) == "true"


@pytest.mark.parametrize("engine", ENGINES)
def test_search_language_switch_go_links_and_404(host, links, request, engine):
    with new_browser(engine, request) as browser:
        for lang in LANGUAGES:
            # Search: typed into Material's box, results of the page's language only.
            browser.open(at(host, lang, ""))
            browser.run("document.getElementById('__search').checked = true;")  # opens the search box
            browser.type("input.md-search__input", SEARCHES[lang])
            results = browser.wait("const links = [...document.querySelectorAll('a.md-search-result__link')];"
                                   "return links.length && links.map(a => a.href)", timeout=PAGE_WITHIN)
            other = [r for r in results if not r.startswith(at(host, lang, ""))
                     or (lang == LANGUAGES[0] and r.startswith(at(host, "en", "")))]
            assert not other, f"{engine}: results from the other language: {other}"

            # The language switch keeps the page and the section.
            target = "en" if lang == "ja" else "ja"
            browser.open(at(host, lang, "troubleshooting/#check-connection"))
            browser.run(f"document.querySelector('a.md-select__link[hreflang={target}]').click()")
            browser.wait(f"return document.documentElement.lang === '{target}'", timeout=PAGE_WITHIN)
            assert browser.url() == at(host, target, "troubleshooting/#check-connection")

            # /go/CODE/ lands on the code's section.
            goal = links["codes"]["NET-001"][lang]
            browser.open(at(host, lang, "go/NET-001/"))
            browser.wait(f"return location.href === {json.dumps(goal)} && document.readyState === 'complete'",
                         timeout=PAGE_WITHIN)
            section = goal.split("#", 1)[1]
            assert browser.run(f"return document.getElementById({json.dumps(section)}) !== null")

            # An unknown code: the language's 404 page, whose lookup box works.
            browser.open(at(host, lang, "go/XYZ-999/"))
            assert browser.run("return document.documentElement.lang") == lang
            assert browser.run("return document.querySelector('form.error-lookup') !== null")
            browser.type("form.error-lookup input", "sys001" + ENTER)
            goal = links["codes"]["SYS-001"][lang]
            browser.wait(f"return location.href === {json.dumps(goal)}", timeout=PAGE_WITHIN)
