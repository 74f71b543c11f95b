"""Bytes over the wire per page type: a cold load (empty cache) of the home page, an
article, the checker page (until the checker is ready) and the error-code page, in
both languages, from a host that compresses text (as production hosts do) and from
one that compresses nothing. Writes bench/results-pages.json.
"""

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from site_server import ServedSite  # noqa: E402

PAGES = {"home": "", "article": "troubleshooting/", "checker": "checker/", "errors": "errors/"}
LANGUAGES = {"ja": "", "en": "en/"}


def cold_load(browser, url):
    context = browser.new_context()
    page = context.new_page()
    requests = []
    context.on("requestfinished", lambda request: requests.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.locator(".key-checker").count():
        for _ in range(600):  # poll: the page's CSP blocks wait_for_function's eval
            if page.evaluate("document.querySelector('.key-checker').dataset.state") != "loading":
                break
            page.wait_for_timeout(50)
        page.wait_for_load_state("networkidle")
    total = 0
    for request in requests:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return {"bytes": total, "requests": len(requests)}


def main():
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for host, compress in (("compressing_host", True), ("plain_host", False)):
            with tempfile.TemporaryDirectory() as tmp:
                site = ServedSite(tmp, compress=compress)
                try:
                    results[host] = {f"{kind}/{lang}": cold_load(browser, site.url + prefix + path)
                                     for kind, path in PAGES.items() for lang, prefix in LANGUAGES.items()}
                finally:
                    site.close()
        browser.close()
    print(f"  {'page':14}{'compressing host':>22}{'plain host':>22}")
    for key in results["compressing_host"]:
        cells = [results[h][key] for h in ("compressing_host", "plain_host")]
        print(f"  {key:14}" + "".join(f"{c['bytes'] / 1024:>14,.0f} KiB ({c['requests']:>2})" for c in cells))
    (ROOT / "bench" / "results-pages.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
