"""The checker's time to ready in three engines (issue 15): cold median and worst of RUNS.

Builds the real site and serves it on loopback with Debian's nginx and the project's deploy/
configuration (tools/web_servers.py). Each run is a new browser with nothing cached: Chromium (Playwright, a fresh context),
Firefox ESR (Marionette, a fresh profile) and WebKitGTK's MiniBrowser (WebKitWebDriver, on an
Xvfb display of our own): tools/browser_engines.py. Time to ready is the widget's
``key-checker-ready`` performance mark (from navigation start), with the start that got
there (a "plain" means the snapshot start failed or stalled). Both checker pages.

    .venv/bin/python bench/bench_engines.py [--runs 10] [--engines chromium,firefox,webkit] [--output FILE]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from browser_engines import Firefox, WebKit, Xvfb  # noqa: E402
from conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from site_server import ServedSite  # noqa: E402
from web_servers import serve  # noqa: E402

DEFAULT_OUTPUT = ROOT / "bench" / "results-engines.json"
PAGES = {"ja": "checker/", "en": "en/checker/"}
TARGET_WORST_MS = 5000
READY_SCRIPT = """return (() => {
    const mark = performance.getEntriesByName('key-checker-ready')[0];
    const widget = document.querySelector('.key-checker');
    if (mark) return {ms: mark.startTime, mode: mark.detail.fellBack ? 'fallback' : mark.detail.mode};
    if (widget && widget.dataset.state === 'error') return {ms: null, mode: 'error'};
    return null;
})()"""


def chromium_runs(url, runs):
    from playwright.sync_api import sync_playwright

    marks = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            deadline = time.monotonic() + 120
            while not (mark := page.evaluate(f"() => {{ {READY_SCRIPT} }}")) and time.monotonic() < deadline:
                page.wait_for_timeout(25)
            marks.append(mark or {"ms": None, "mode": "timeout"})
            context.close()
        browser.close()
    return marks


def driver_runs(make_browser, url, runs):
    marks = []
    for _ in range(runs):
        with make_browser() as browser:
            browser.open(url)
            try:
                marks.append(browser.wait(READY_SCRIPT, timeout=120, interval=0.025))
            except TimeoutError:
                marks.append({"ms": None, "mode": "timeout"})
    return marks


def summary(marks):
    times = [m["ms"] for m in marks if m["ms"] is not None]
    return {
        "cold_median_ms": round(statistics.median(times)) if times else None,
        "cold_worst_ms": round(max(times)) if len(times) == len(marks) else None,
        "runs": len(marks),
        "starts": {mode: sum(m["mode"] == mode for m in marks) for mode in sorted({m["mode"] for m in marks})},
        "all_ms": [round(t) for t in times],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--engines", default="chromium,firefox,webkit", help="comma-separated")
    args = parser.parse_args()

    results = {"runs": args.runs, "target_worst_ms": TARGET_WORST_MS, "engines": {}}
    with tempfile.TemporaryDirectory() as folder:
        served = ServedSite(Path(folder) / "site")
        xvfb = Xvfb()
        try:
            engines = {
                "chromium": lambda url: chromium_runs(url, args.runs),
                "firefox": lambda url: driver_runs(Firefox, url, args.runs),
                "webkit": lambda url: driver_runs(lambda: WebKit(xvfb.display), url, args.runs),
            }
            with serve("nginx", served.dir, "deploy") as host:
                for engine, run in engines.items():
                    if engine not in args.engines.split(","):
                        continue
                    results["engines"][engine] = {}
                    for lang, path in PAGES.items():
                        figures = summary(run(host + path))
                        results["engines"][engine][lang] = figures
                        print(f"{engine:9} {lang}: median {figures['cold_median_ms']} ms, worst {figures['cold_worst_ms']} ms, "
                              f"starts {figures['starts']}", flush=True)
        finally:
            served.close()
            xvfb.close()
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
