""""Check this computer": how long the whole diagnosis takes on loopback.

Builds the real site with a catalog of loopback activation servers
(tools/diagnose_endpoints.py, ``DIAGNOSTICS_CATALOG``), serves it on loopback and drives
Debian's Chromium through Playwright: from the button's click to the last result on
screen, as the page measures it (``data-duration-ms``), median of RUNS fresh contexts, for

- ``healthy``: one healthy activation server (the usual case);
- ``every_kind``: healthy, 503, no CORS, closed port and one that never answers (its
  timeout, tools/diagnose_endpoints.HANG_TIMEOUT_MS, bounds the run from below).

    .venv/bin/python bench/bench_diagnose.py [--runs 7] [--output bench/results-diagnose.json]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM_ARGS  # noqa: E402
from diagnose_endpoints import HANG_TIMEOUT_MS, LoopbackEndpoints  # noqa: E402
from site_server import ServedSite  # noqa: E402

DEFAULT_OUTPUT = ROOT / "bench" / "results-diagnose.json"
PAGE = "en/diagnose/"


def state(page):
    return page.evaluate("document.querySelector('.diagnose').dataset.state")


def one_run(browser, url):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        while state(page) != "ready":
            page.wait_for_timeout(20)
        page.click(".diagnose__start")
        deadline = time.monotonic() + 60
        while state(page) != "done":
            if time.monotonic() > deadline:
                raise RuntimeError("the diagnosis did not finish")
            page.wait_for_timeout(10)
        return int(page.evaluate("document.querySelector('.diagnose').dataset.durationMs"))
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

    from playwright.sync_api import sync_playwright

    endpoints = LoopbackEndpoints()
    scenarios = {"healthy": ["healthy"], "every_kind": ["healthy", "busy", "no-cors-503", "closed", "hang"]}
    results = {"runs": args.runs, "hang_timeout_ms": HANG_TIMEOUT_MS}
    try:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for name, ids in scenarios.items():
                catalog = endpoints.write_catalog(Path(tmp) / f"{name}.yml", ids)
                site = ServedSite(Path(tmp) / name, extra_env={"DIAGNOSTICS_CATALOG": str(catalog)})
                try:
                    one_run(browser, site.url + PAGE)  # warm up the server and the browser
                    times = [one_run(browser, site.url + PAGE) for _ in range(args.runs)]
                finally:
                    site.close()
                results[name] = {"median_ms": round(statistics.median(times)), "min_ms": min(times),
                                 "max_ms": max(times)}
            browser.close()
    finally:
        endpoints.close()
    print("Check this computer, whole diagnosis on loopback (click to last result):")
    for name in scenarios:
        r = results[name]
        print(f"  {name:12}{r['median_ms']:>6} ms median ({r['min_ms']}–{r['max_ms']} ms, {args.runs} runs)")
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
