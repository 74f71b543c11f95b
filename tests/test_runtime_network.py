"""The key checker on slow and fast connections (Chromium's network emulation).

The start is chosen by the connection (key-checker-unpacker.js, issue 12): on slow 4G the
plain start (no snapshot downloaded), on cable the snapshot start; a return visit takes
the start whose files are in the HTTP cache and downloads no runtime byte again.

Not a timing test: whatever the connection, the checker must get ready in the end, stay
usable while it loads (a key typed meanwhile is answered once it is ready), and no
timeout may give up on a download that is still arriving (a fallback started by an early
timeout downloads the runtime again: each runtime file must come over the wire once).
The site is served as it is published: nginx with the project's deploy/ configuration
(compression, the runtime's folder cached for good). The emulation is set on the page's CDP session; Chromium applies it to the page's workers'
downloads too (FIELD-NOTES "Networks"). Times to ready are in `make bench`
(bench/bench_network.py).
"""

import contextlib
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest

from conftest import force_start
from web_servers import serve  # tools/, on sys.path (conftest.py)

# slow 4G, as in the issue and the bench: 1.6 Mbit/s down, 0.75 up, 150 ms round trip
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
CABLE = {"offline": False, "latency": 20, "downloadThroughput": 50e6 / 8, "uploadThroughput": 10e6 / 8}
NO_THROTTLING = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
RUNTIME_PATH = "/assets/pyodide/"
# Far beyond what ~4-8 MB at 1.6 Mbit/s needs, even on a loaded machine: only a hang fails it.
READY_WITHIN_S = 420
from conftest import VALID_KEY as KEY  # noqa: E402  (of the key format in use)


@pytest.fixture(scope="module")
def published(site):
    """The site's base URL (ending with "/") behind nginx with deploy/'s configuration."""
    with serve("nginx", site.dir, config="deploy") as base_url:
        yield base_url.rstrip("/") + "/"


def state(page):
    return page.evaluate("document.querySelector('.key-checker').dataset.state")


def started(page):
    """The starts that got ready on this page, as key-checker.js marks them."""
    return page.evaluate("performance.getEntriesByName('key-checker-ready').map(e => e.detail.mode)")


def binary(page):
    """The copy of the binary the last start took: {copy, cached} (key-checker-unpacker.js)."""
    return page.evaluate("performance.getEntriesByName('key-checker-ready').at(-1).detail.binary")


def wait_ready(page, within_s=120):
    page.wait_for_selector(".key-checker", timeout=within_s * 1000)
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and state(page) not in ("ready", "error"):
        page.wait_for_timeout(100)
    assert state(page) == "ready"


# Notes, for each worker the page creates, its script's name and the document's readyState
# then ("loading": before DOMContentLoaded).
WORKER_CREATION = """(() => {
  const Real = window.Worker;
  window.__workers = [];
  window.Worker = function (url, options) {
    window.__workers.push([String(url).split("?")[0].split("/").pop(), document.readyState]);
    return new Real(url, options);
  };
  window.Worker.prototype = Real.prototype;
})();"""


def worker_started_while(page):
    """The document's readyState when key-checker-worker.js was created."""
    return dict(page.evaluate("window.__workers"))["key-checker-worker.js"]


@contextlib.contextmanager
def throttled(browser, conditions):
    """(page, CDP session, runtime downloads) in a fresh context on an emulated connection."""
    context = browser.new_context()
    context.add_init_script(WORKER_CREATION)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", conditions)
        yield page, cdp, runtime_downloads(context)
    finally:
        context.close()


STORE_PREFIX = "key-checker-runtime-"


def stored(page, within_s=20, files=2):
    """{cache name: [stored file names]} of the runtime's store (key-checker-unpacker.js),
    once the unpacker has written `files` files (or after `within_s`)."""
    script = """async () => {
        const out = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname.split('/').slice(-2).join('/'));
        }
        return out;
    }"""
    deadline = time.monotonic() + within_s
    while True:
        found = page.evaluate(script)
        if any(len(names) >= files for names in found.values()) or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(100)


def reload_from_the_cache(page, downloads, mode, after_ready=()):
    """Reload; the start `mode` gets ready with no runtime file downloaded (but `after_ready`,
    files the unpacker may fetch once the checker is ready)."""
    downloads.clear()
    page.reload(wait_until="commit")
    wait_ready(page)
    page.wait_for_timeout(500)
    assert started(page) == [mode]
    again = {path: n for path, n in downloads.items() if path not in after_ready}
    assert not again, f"downloaded again on the return visit: {again}"


def assert_the_return_visit_takes_the_same_start_from_the_cache(page, downloads, mode):
    # Once ready, the start's files, inflated and checked, are in the runtime's store: named
    # after the runtime's hash, holding the binary and the start's second file, nothing else.
    second = {"snapshot": "stored/snapshot.bin", "plain": "stored/python_stdlib.zip"}
    store = stored(page)
    assert len(store) == 1, store
    [(name, files)] = store.items()
    assert name.startswith(STORE_PREFIX) and len(name) == len(STORE_PREFIX) + 12, name
    assert sorted(files) == sorted(["stored/pyodide.asm.wasm", second[mode]])
    # The page notes which runtime is stored (its folder, and nothing else of the checker's
    # in localStorage; Material keeps its palette there) ...
    runtime = page.evaluate("JSON.parse(document.getElementById('key-checker-runtime').textContent).runtime")
    entries = dict(page.evaluate("Object.entries(localStorage)"))
    assert {k: v for k, v in entries.items() if not k.endswith("__palette")} == {"key-checker-stored-runtime": runtime}
    assert worker_started_while(page) != "loading"  # a first visit: after the page's start-up
    # The return visit takes both from the store: no byte downloaded, nothing inflated or
    # hashed; and the worker starts at once, not after the page's start-up.
    reload_from_the_cache(page, downloads, mode, after_ready=("snapshot.bin.gz",) if mode == "plain" else ())
    assert binary(page) == {"copy": "stored", "cached": True}
    assert worker_started_while(page) == "loading"
    if mode == "plain":
        # Back after a plain first visit: once ready, the snapshot (2.9 MB) is downloaded once
        # and stored, so every later visit takes the snapshot start, from the store.
        files = stored(page, files=3)[name]
        assert sorted(files) == sorted(["stored/pyodide.asm.wasm", second["plain"], second["snapshot"]])
        assert downloads.get("snapshot.bin.gz", 0) <= 1, dict(downloads)
        mode = "snapshot"
        reload_from_the_cache(page, downloads, mode)
        assert binary(page) == {"copy": "stored", "cached": True}
    # Without the store (a browser that evicted it), the HTTP cache: the binary compiled
    # from its own cached response (keeping its URL, which an engine's code cache needs),
    # still with no byte downloaded; and the store written again.
    page.evaluate(f"caches.delete({name!r})")
    reload_from_the_cache(page, downloads, mode)
    assert binary(page) == {"copy": "raw", "cached": True}
    assert sorted(stored(page).get(name, [])) == sorted(["stored/pyodide.asm.wasm", second[mode]])


def runtime_downloads(context):
    """Counter of runtime paths whose body came over the wire, filled as requests finish."""
    downloads = Counter()

    def finished(request):
        path = urlsplit(request.url).path
        if RUNTIME_PATH in path and request.sizes()["responseBodySize"] > 0:
            downloads[path.rsplit("/", 1)[-1]] += 1

    context.on("requestfinished", finished)
    return downloads


@pytest.mark.parametrize("lang", ["en"])
def test_on_slow_4g_the_checker_gets_ready_without_downloading_anything_twice(published, browser, lang):
    with throttled(browser, SLOW_4G) as (page, cdp, downloads):
        page.goto(f"{published}{lang}/checker/", wait_until="commit", timeout=120_000)
        page.wait_for_selector(".key-checker__input", timeout=120_000)
        # While the runtime downloads, the widget says it is loading and takes input.
        page.wait_for_timeout(3000)
        assert state(page) not in ("ready", "error")  # the progress itself is key-checker.js's (other tests)
        assert page.is_enabled(".key-checker__input")
        page.fill(".key-checker__input", KEY)
        page.press(".key-checker__input", "Enter")
        deadline = time.monotonic() + READY_WITHIN_S
        seen = set()
        while time.monotonic() < deadline:
            seen.add(state(page))
            if "ready" in seen or "error" in seen:
                break
            page.wait_for_timeout(250)
        assert "error" not in seen, "the checker gave up on a slow connection"
        assert state(page) == "ready", f"not ready after {READY_WITHIN_S} s on slow 4G"
        # The key typed while loading is answered.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and page.evaluate(
                "document.querySelector('.key-checker__result').dataset.valid") is None:
            page.wait_for_timeout(100)
        assert page.evaluate("document.querySelector('.key-checker__result').dataset.valid") == "true"
        page.wait_for_timeout(500)
        assert downloads, "no runtime file came over the wire"
        twice = {path: n for path, n in downloads.items() if n > 1}
        assert not twice, f"downloaded more than once (a start gave up and began again): {twice}"
        # The start that downloads least: no snapshot, the zstd stdlib, and the binary as the
        # host's brotli (deploy/nginx: brotli_static), smaller than the zstd copy.
        assert started(page) == ["plain"]
        assert "snapshot.bin.gz" not in downloads and "pyodide.asm.wasm.gz" not in downloads
        assert "pyodide.asm.wasm.zst" not in downloads
        assert {"pyodide.asm.wasm", "python_stdlib.zip.zst"} <= set(downloads)
        assert binary(page) == {"copy": "raw-br", "cached": False}

        # Back on a fast connection: the files of the last start are in the cache, so that
        # start again, and not one runtime byte over the wire.
        cdp.send("Network.emulateNetworkConditions", NO_THROTTLING)
        assert_the_return_visit_takes_the_same_start_from_the_cache(page, downloads, "plain")


def test_on_cable_the_snapshot_start_and_a_return_visit_from_the_cache(published, browser):
    with throttled(browser, CABLE) as (page, _cdp, downloads):
        page.goto(f"{published}en/checker/", wait_until="commit", timeout=120_000)
        wait_ready(page)
        page.wait_for_timeout(500)
        assert started(page) == ["snapshot"]
        assert "snapshot.bin.gz" in downloads and "python_stdlib.zip.zst" not in downloads
        assert binary(page) == {"copy": "raw-br", "cached": False}
        assert "pyodide.asm.wasm.gz" not in downloads
        assert_the_return_visit_takes_the_same_start_from_the_cache(page, downloads, "snapshot")


@pytest.mark.parametrize("mode, copy", [("snapshot", "gzip"), ("plain", "zstd")])
def test_a_host_that_compresses_nothing_gets_each_starts_own_copy(site, browser, mode, copy):
    """Python's http.server compresses nothing: the binary's own URL would be 9.6 MB, so each
    start takes the copy the build compressed for it, and the return visit that copy from the
    cache with no byte downloaded."""
    with serve("python", site.dir) as base_url:
        context = browser.new_context()
        try:
            force_start(context, mode)
            downloads = runtime_downloads(context)
            page = context.new_page()
            page.goto(f"{base_url}en/checker/", wait_until="commit")
            wait_ready(page)
            page.wait_for_timeout(500)
            assert started(page) == [mode]
            assert binary(page) == {"copy": copy, "cached": False}
            assert "pyodide.asm.wasm" not in downloads  # asked for, dropped at its headers
            assert stored(page), "nothing stored on a host that compresses nothing"
            reload_from_the_cache(page, downloads, mode)
            assert binary(page) == {"copy": "stored", "cached": True}
            # Without the store, that copy from the HTTP cache.
            page.evaluate("caches.keys().then((names) => Promise.all(names.map((n) => caches.delete(n))))")
            reload_from_the_cache(page, downloads, mode)
            assert binary(page) == {"copy": copy, "cached": True}
        finally:
            context.close()


def test_a_broken_store_is_forgotten_and_an_old_runtimes_store_removed(published, browser):
    """The store is only a shortcut: a stored binary that does not compile costs the start
    nothing but a fallback, and is dropped; a store left by an older runtime goes once a
    start of this one is ready."""
    context = browser.new_context()
    try:
        downloads = runtime_downloads(context)
        page = context.new_page()
        logged = []  # nothing may reach the console, not even a failed stored file
        page.on("console", lambda message: logged.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: logged.append(f"pageerror: {error}"))
        page.goto(f"{published}en/checker/", wait_until="commit")
        page.evaluate("""async () => {
            const old = await caches.open('key-checker-runtime-000000000000');
            await old.put('/assets/pyodide/000000000000/stored/pyodide.asm.wasm', new Response('old'));
        }""")
        wait_ready(page)
        store = stored(page)
        assert list(store) != ["key-checker-runtime-000000000000"] and len(store) == 1, store
        [name] = store
        # A stored binary that is not WebAssembly at all.
        page.evaluate(f"""async () => {{
            const cache = await caches.open({name!r});
            const key = (await cache.keys()).find((r) => r.url.endsWith('/stored/pyodide.asm.wasm'));
            await cache.put(key, new Response(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]),
                                               {{headers: {{'Content-Type': 'application/wasm'}}}}));
        }}""")
        downloads.clear()
        page.reload(wait_until="commit")
        wait_ready(page)
        page.fill(".key-checker__input", KEY)
        page.press(".key-checker__input", "Enter")
        page.wait_for_function("() => document.querySelector('.key-checker__result').dataset.valid === 'true'",
                               timeout=30_000)
        assert binary(page)["copy"] == "stored" or started(page)[-1] == "plain"
        assert not downloads, f"downloaded again: {dict(downloads)}"
        # The broken store was dropped (and, after the start that followed, written anew or not at all).
        page.wait_for_timeout(1000)
        after = page.evaluate(f"""async () => {{
            if (!(await caches.has({name!r}))) return null;
            const cache = await caches.open({name!r});
            const key = (await cache.keys()).find((r) => r.url.endsWith('/stored/pyodide.asm.wasm'));
            return key ? (await (await cache.match(key)).arrayBuffer()).byteLength : null;
        }}""")
        assert after is None or after > 1_000_000, f"the broken binary is still stored ({after} bytes)"
        assert logged == []
    finally:
        context.close()
