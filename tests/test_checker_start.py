"""The checker's start under faults (issues 11 and 15), in Debian's Chromium.

A verdict always belongs to the text on screen, whatever happens to the runtime; one runtime
starts at a time, whatever is clicked or pressed; the reader keeps their place; a start that
stalls gives way to the next one and says so in the page's language; a failed load writes
nothing to the console.
"""

import re
import time

import pytest

from conftest import LANGUAGES, force_start
from conftest import INVALID_KEY, VALID_KEY as KEY  # of the key format in use
from test_key_checker_browser import INPUT, RESULT, WIDGET, enter, wait_for_state, widget_state

CATALOG_TEXTS = None


def texts(lang):
    import yaml

    from conftest import ROOT

    global CATALOG_TEXTS
    if CATALOG_TEXTS is None:
        CATALOG_TEXTS = yaml.safe_load((ROOT / "catalog" / "key-checker.yml").read_text(encoding="utf-8"))
    return CATALOG_TEXTS[lang]


def checker_workers(page):
    return [w for w in page.workers if "/key-checker-worker.js" in w.url]


def wait_for_verdict(page, valid, timeout=90.0):
    deadline = time.monotonic() + timeout
    shown = None
    while time.monotonic() < deadline:
        shown = page.evaluate("""([widget, result]) => [document.querySelector(widget).dataset.state,
            document.querySelector(result).dataset.valid, document.querySelector(result).hasAttribute('aria-busy')]""",
                              [WIDGET, RESULT])
        if shown == ["ready", valid, False]:
            return
        page.wait_for_timeout(50)
    pytest.fail(f"expected a {valid} verdict from a ready runtime, the widget shows {shown}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_worker_fault_never_leaves_a_stale_verdict(site, page, lang):
    page.goto(site.page_url(lang, "checker/"))
    wait_for_state(page, "ready")
    assert enter(page, KEY)["valid"]
    # An uncaught error in the checker's worker, as any bug in it would throw.
    checker_workers(page)[0].evaluate("setTimeout(() => { throw new Error('fault'); })")
    deadline = time.monotonic() + 5
    while widget_state(page) == "ready" and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert widget_state(page) == "loading", "the widget still says ready for a runtime that is gone"
    assert page.get_attribute(RESULT, "data-valid") is None, "the old verdict stayed on screen"
    # The reader types on: the new key is judged by the new runtime, once it answers.
    page.fill(INPUT, INVALID_KEY)
    wait_for_verdict(page, "false")
    page.fill(INPUT, KEY)
    wait_for_verdict(page, "true")


def test_try_again_keeps_focus_and_starts_one_runtime_at_a_time(site, context):
    page = context.new_page()
    context.route("**/assets/pyodide/**", lambda route: route.abort())  # every runtime file fails
    created = []
    page.on("worker", lambda worker: created.append(worker.url) if "/key-checker" in worker.url else None)
    page.goto(site.page_url("en", "checker/"))
    wait_for_state(page, "error")
    # From now on the runtime's files never arrive: the next start stays under way.
    held = []
    context.unroute("**/assets/pyodide/**")
    context.route("**/assets/pyodide/**", lambda route: held.append(route))
    page.focus(".key-checker__retry")
    before = len(created)
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.className")
    assert "key-checker__input" in focused, f"focus went to {focused!r}"
    # A burst: Enter again and again, and twenty scripted clicks.
    for _ in range(3):
        page.keyboard.press("Enter")
    page.evaluate("for (let i = 0; i < 20; i++) document.querySelector('.key-checker__retry').click()")
    page.wait_for_timeout(500)
    assert widget_state(page) == "loading"
    # One start: the snapshot start's two workers.
    assert len(created) - before == 2, f"{len(created) - before} checker workers for one Try again"


def told_of_the_fallback_while_loading(page, lang):
    """Wait (90 s at most) while the widget loads; whether it told the reader of the plain start."""
    fallback = texts(lang)["script"]["progress_fallback"]
    deadline = time.monotonic() + 90
    said = False
    while widget_state(page) == "loading" and time.monotonic() < deadline:
        said = said or fallback in page.text_content(".key-checker__loading")
        page.wait_for_timeout(20)
    return said


def assert_the_plain_start_takes_over_and_says_so(page, lang):
    """A key typed while the first start fails: the plain start takes over, the reader is told
    so while it loads, and the key is answered."""
    page.wait_for_selector(INPUT)
    page.fill(INPUT, KEY)
    said = told_of_the_fallback_while_loading(page, lang)
    assert said, "the reader was not told that the checker starts another way"
    assert widget_state(page) == "ready"
    assert page.evaluate("performance.getEntriesByName('key-checker-ready').map(e => e.detail.mode)") == ["plain"]
    wait_for_verdict(page, "true")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_stalled_start_gives_way_and_says_so(site, context, lang):
    """The Firefox stall of issue 15, made on purpose: the compiled module handed over never arrives."""
    page = context.new_page()

    def drop_the_module(route):
        body = route.fetch().text()
        marker = "port.onmessage = ({ data }) => {"
        assert marker in body
        route.fulfill(body=body.replace(marker, marker + ' if (data.name === "wasm") return;'),
                      headers={"Content-Type": "text/javascript"})

    served = []

    def worker_script(route):  # the first worker (the snapshot start) loses the module; the next is whole
        served.append(route.request.url)
        if len(served) == 1:
            drop_the_module(route)
        else:
            route.continue_()

    context.route(re.compile(r".*/key-checker-worker\.js(\?.*)?$"), worker_script)
    page.goto(site.page_url(lang, "checker/"), wait_until="commit")
    assert_the_plain_start_takes_over_and_says_so(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_download_that_stops_gives_way_and_says_so(site, context, lang):
    """A snapshot download that stops before its bytes are all here (issue 15: no phase is unwatched)."""
    force_start(context, "snapshot")
    page = context.new_page()
    held = []
    context.route("**/snapshot.bin.gz", lambda route: held.append(route))  # never answered
    page.goto(site.page_url(lang, "checker/"), wait_until="commit")
    assert_the_plain_start_takes_over_and_says_so(page, lang)
    assert held, "the snapshot was never asked for"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_slow_first_visit_shows_what_loads_and_how_far(site, context, lang):
    force_start(context, "snapshot")
    page = context.new_page()
    held = []
    # The snapshot's download is held back until the test has seen the progress shown.
    context.route("**/snapshot.bin.gz", lambda route: held.append(route))
    page.goto(site.page_url(lang, "checker/"), wait_until="commit")
    page.wait_for_selector(INPUT)
    deadline = time.monotonic() + 20
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held, "the snapshot was never asked for"
    # The page module may still be on its way, and the binary may still be downloading
    # (this server gzips it on the fly the first time: seconds on a loaded machine): wait
    # until the widget counts the binary as here (the megabytes below are checked exactly).
    binary_here = ("(() => { const s = JSON.parse(document.getElementById('key-checker-runtime').textContent).sizes;"
                   " const text = (document.querySelector('.key-checker__loading') || {}).textContent || '';"
                   " return text.includes((s.snapshot.wasm / 1e6).toFixed(1)); })()")
    while time.monotonic() < deadline + 40:
        if page.evaluate(f"(document.querySelector('.key-checker__progress') || {{}}).value > 0 && {binary_here}"):
            break
        page.wait_for_timeout(50)
    shown = page.evaluate("""() => {
        const bar = document.querySelector('.key-checker__progress');
        return {text: document.querySelector('.key-checker__loading').textContent, visible: bar.checkVisibility(),
                value: bar.value, max: bar.max, label: bar.getAttribute('aria-label')}
    }""")
    script = texts(lang)["script"]
    assert script["progress_download"] in shown["text"]
    assert shown["visible"] and shown["label"] == script["progress_label"]
    assert 0 < shown["value"] < shown["max"], shown
    # How far in megabytes: the binary is here, the snapshot is not, of the two together.
    sizes = page.evaluate("JSON.parse(document.getElementById('key-checker-runtime').textContent).sizes.snapshot")
    pattern = re.escape(script["progress_bytes"]).replace(r"\{done\}", r"([\d.]+)").replace(r"\{total\}", r"([\d.]+)")
    numbers = re.search(pattern, shown["text"])
    assert numbers, shown["text"]
    done, total = (float(numbers.group(i)) for i in (1, 2)) if script["progress_bytes"].index("{done}") < \
        script["progress_bytes"].index("{total}") else (float(numbers.group(i)) for i in (2, 1))
    assert total == round((sizes["wasm"] + sizes["snapshot"]) / 1e6, 1)
    assert done == round(sizes["wasm"] / 1e6, 1)
    # The box keeps working meanwhile.
    page.fill(INPUT, KEY)
    assert page.input_value(INPUT) == KEY
    held[-1].continue_()  # the download (before it, the cache probe: given up on by now)
    wait_for_verdict(page, "true")


def test_a_failed_load_logs_nothing(site, context):
    page = context.new_page()
    logged = []
    page.on("console", lambda message: logged.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: logged.append(f"pageerror: {error}"))
    # A binary that is not WebAssembly, under both names: every start fails to instantiate it.
    context.route(re.compile(r".*/pyodide\.asm\.wasm(\.gz|\.zst)?$"),
                  lambda route: route.fulfill(body=b"\0asm\x01\0\0\0broken", headers={"Content-Type": "application/wasm"}))
    page.goto(site.page_url("en", "checker/"))
    wait_for_state(page, "error")
    page.wait_for_timeout(300)
    assert logged == []
