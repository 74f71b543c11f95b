"""The in-browser key checker: time to ready, check latency and bytes over the wire.

Builds the real site (``mkdocs build``) into a temporary folder, serves it on loopback
with Python's http.server (no compression, Last-Modified only: a plain static host), and
drives Debian's Chromium through Playwright:

- time to ready: from navigation start to the widget's ``key-checker-ready`` performance
  mark, for the snapshot start and the plain start, each forced (``conftest.force_start``:
  the snapshot start as the unpacker takes it on a fast line; the plain start as
  key-checker.js runs it after a failed start, fetching its own files), cold (a fresh browser context: empty
  cache) and warm (the same context, loading the page again SETTLE_MS after the first load
  was ready: a reader's next visit, not a reload racing the first page's last work, such
  as its search index, which the checker pages build once the checker is ready), median
  of RUNS contexts;
- check latency: ``check()`` as the widget calls it (page → worker → diagnose → page),
  p50/p95 over CHECKS keys once ready;
- bytes: response bodies and headers of every request of a cold load of the checker page.

    .venv/bin/python bench/bench_widget.py [--runs 5] [--output bench/results-widget.json]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM_ARGS, force_start  # noqa: E402
from site_server import ServedSite  # noqa: E402

from readiness import wait_ready  # noqa: E402  (bench/, next to this script)

DEFAULT_OUTPUT = ROOT / "bench" / "results-widget.json"
VECTORS = ROOT / "tests" / "vectors" / "diagnose.jsonl"
PAGE = "checker/"
MODULE = "assets/javascripts/key-checker.js"
CHECKS = 300
TARGETS = {"ready_cold_ms": 1000, "ready_warm_ms": 500, "check_p95_ms": 10}
SETTLE_MS = 1500


# The start each row measures (behind http.server the unpacker's own probe of the connection
# may come late on a cold load and choose plain: the rows would then mix starts).
FORCED = {"snapshot": "snapshot", "plain": "fallback"}


def ready_times(browser, url, mode, runs):
    cold, warm, modes = [], [], set()
    for _ in range(runs):
        context = browser.new_context()
        force_start(context, FORCED[mode])
        page = context.new_page()
        page.goto(url + PAGE)
        mark = wait_ready(page)
        cold.append(mark["ms"])
        modes.add(mark["mode"])
        page.wait_for_timeout(SETTLE_MS)
        page.goto(url + PAGE)
        mark = wait_ready(page)
        warm.append(mark["ms"])
        modes.add(mark["mode"])
        context.close()
    if modes != {mode}:
        raise RuntimeError(f"asked for {mode}, the widget started with {modes}")
    return {"cold_ms": cold, "warm_ms": warm,
            "cold_median_ms": round(statistics.median(cold)), "warm_median_ms": round(statistics.median(warm))}


def check_latency(browser, url):
    keys = [json.loads(line)["input"] for line in VECTORS.read_text(encoding="utf-8").splitlines()]
    keys = [k for k in keys if k][:CHECKS]
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + PAGE)
    wait_ready(page)
    times = page.evaluate("""async ([module, keys]) => {
        const { check } = await import(module);
        for (const key of keys.slice(0, 20)) await check(key, {lang: 'ja'});  // warm-up
        const times = [];
        for (const [i, key] of keys.entries()) {
            const start = performance.now();
            await check(key, {lang: i % 2 ? 'en' : 'ja'});
            times.push(performance.now() - start);
        }
        return times;
    }""", [url + MODULE, keys])
    context.close()
    times.sort()
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 2)  # noqa: E731
    return {"checks": len(times), "p50_ms": pick(0.50), "p95_ms": pick(0.95), "max_ms": round(times[-1], 2)}


def transferred(browser, url, mode):
    context = browser.new_context()
    force_start(context, FORCED[mode])
    sizes = {}

    def finished(request):
        s = request.sizes()
        sizes[request.url] = s["responseBodySize"] + s["responseHeadersSize"] + s["requestHeadersSize"]

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(url + PAGE)
    wait_ready(page)
    page.wait_for_timeout(300)
    context.close()
    runtime = sum(v for k, v in sizes.items() if "/assets/pyodide/" in k)
    return {"total_bytes": sum(sizes.values()), "runtime_bytes": runtime, "requests": len(sizes),
            "largest": sorted(((v, k.replace(url, "/")) for k, v in sizes.items()), reverse=True)[:6]}


def table(results):
    r = results
    lines = [
        "key checker in the browser (headless Chromium, loopback, http.server)",
        f"  {'':24}{'cold (median)':>15}{'warm (median)':>15}",
        *(f"  ready, {mode:17}{r['ready'][mode]['cold_median_ms']:>12} ms{r['ready'][mode]['warm_median_ms']:>12} ms"
          for mode in ("snapshot", "plain")),
        f"  check latency: p50 {r['check']['p50_ms']} ms, p95 {r['check']['p95_ms']} ms "
        f"({r['check']['checks']} checks)",
        *(f"  bytes, {mode:9} start: {r['bytes'][mode]['total_bytes'] / 1e6:.2f} MB in "
          f"{r['bytes'][mode]['requests']} requests (runtime {r['bytes'][mode]['runtime_bytes'] / 1e6:.2f} MB)"
          for mode in ("snapshot", "plain")),
        "  targets: " + ", ".join(f"{k} ≤ {v}: {'met' if r['meets'][k] else 'NOT met'}" for k, v in TARGETS.items()),
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("bench_widget: Chromium not found (make chromium)")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        site = ServedSite(folder, compress=False)  # a plain static host: no compression
        url = site.url
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                results = {
                    "runs": args.runs,
                    "ready": {mode: ready_times(browser, url, mode, args.runs) for mode in ("snapshot", "plain")},
                    "check": check_latency(browser, url),
                    "bytes": {mode: transferred(browser, url, mode) for mode in ("snapshot", "plain")},
                }
                browser.close()
        finally:
            site.close()
    results["meets"] = {
        "ready_cold_ms": results["ready"]["snapshot"]["cold_median_ms"] <= TARGETS["ready_cold_ms"],
        "ready_warm_ms": results["ready"]["snapshot"]["warm_median_ms"] <= TARGETS["ready_warm_ms"],
        "check_p95_ms": results["check"]["p95_ms"] <= TARGETS["check_p95_ms"],
    }
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
