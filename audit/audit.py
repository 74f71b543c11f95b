"""`make audit`: Lighthouse and axe-core on every page, in both languages.

Builds the real site for a loopback address and serves it as it is published: Debian's
nginx with the project's deploy/ configuration (compression, caching, headers; issue 22),
or, with ``--server python``, tools/site_server.py. Runs Lighthouse's default (mobile)
audit with Debian's Chromium on every page (median of three runs) and fails below the
goals: accessibility, SEO and best practices 100 everywhere; performance at least 95 on a
page with the key checker (it starts the runtime while the page loads) and 100 on every
other page. ``--pages key`` audits only the home page, an article, the checker and the
error-code page (minutes instead of half an hour). Writes audit/results.json.
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from axe import axe_violations  # noqa: E402
from site_server import ServedSite  # noqa: E402
from web_servers import serve  # noqa: E402

LIGHTHOUSE = ROOT / "audit" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
KEY_PAGES = ("", "troubleshooting/", "checker/", "errors/")  # with --pages key, in both languages
LANGUAGES = ("ja", "en")
# Performance goals: a page with the key checker (its runtime settings block) and any other.
CHECKER_PAGE_MARK = 'id="key-checker-runtime"'
MIN_PERFORMANCE = {"checker": 95, "page": 100}
# Lighthouse's own advice for its run-to-run variance: take the median of several runs.
RUNS = 3
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " \
               "--disable-component-update --disable-sync --no-first-run"


def lighthouse(url, chrome):
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report.name}",
                        f"--chrome-flags={CHROME_FLAGS}"],
                       env=dict(os.environ, CHROME_PATH=chrome), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = json.load(open(report.name))
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [f"{a['id']} ({a['title']})" for a in data["audits"].values()
              if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
    return scores, failed


def median_lighthouse(url, chrome):
    runs = [lighthouse(url, chrome) for _ in range(RUNS)]
    scores = {c: sorted(r[0][c] for r in runs)[RUNS // 2] for c in CATEGORIES}
    failed = sorted({a for r in runs for a in r[1]})
    return scores, failed, [r[0]["performance"] for r in runs]


def every_page(site_dir, url):
    """(URL, the page's HTML file) of every page but the /go/ redirects."""
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel.startswith(("assets/", "go/", "en/go/")):
            continue  # /go/ pages only redirect
        yield url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel), path


def audited_pages(site_dir, url, which):
    pages = list(every_page(site_dir, url))
    if which == "key":
        wanted = {url + ("" if lang == "ja" else f"{lang}/") + path for lang in LANGUAGES for path in KEY_PAGES}
        pages = [(u, f) for u, f in pages if u in wanted]
    return pages


@contextlib.contextmanager
def published(site, server):
    """The site's base URL as `server` serves it (nginx with deploy/, or the build's own)."""
    if server == "python":
        yield site.url, "tools/site_server.py (gzip)"
        return
    with serve("nginx", site.dir, config="deploy") as base_url:
        yield base_url.rstrip("/") + "/", "nginx (deploy configuration)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", choices=("all", "key"), default="all")
    parser.add_argument("--server", choices=("nginx", "python"), default="nginx")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome or not LIGHTHOUSE.exists():
        sys.exit("audit: needs Chromium and audit/node_modules (run `make audit`)")
    rows, problems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        site = ServedSite(tmp)
        try:
            with published(site, args.server) as (base, server):
                pages = audited_pages(site.dir, base, args.pages)
                for number, (url, html) in enumerate(pages, 1):
                    kind = "checker" if CHECKER_PAGE_MARK in html.read_text(encoding="utf-8") else "page"
                    scores, failed, performance_runs = median_lighthouse(url, chrome)
                    print(f"  {number}/{len(pages)} {url[len(base) - 1:]}: performance {scores['performance']} "
                          f"{performance_runs}", flush=True)
                    rows.append({"page": url[len(base) - 1:], "kind": kind, "url": url, **scores,
                                 "performance_runs": performance_runs, "failed_audits": failed})
                    goals = {"performance": MIN_PERFORMANCE[kind], "accessibility": 100, "best-practices": 100,
                             "seo": 100}
                    for category, goal in goals.items():
                        if scores[category] < goal:
                            problems.append(f"{url}: {category} {scores[category]} < {goal}: {failed}")
                from playwright.sync_api import sync_playwright
                sys.path.insert(0, str(ROOT / "tests"))
                from conftest import CHROMIUM_ARGS
                axe_pages = 0
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=chrome, args=CHROMIUM_ARGS)
                    page = browser.new_page()
                    for url, _html in every_page(site.dir, base):
                        page.goto(url)
                        axe_pages += 1
                        problems += [f"axe {url}: {v}" for v in axe_violations(page)]
                    browser.close()
        finally:
            site.close()
    print(f"Lighthouse {RUNS} runs per page, median (mobile, default settings), behind {server}")
    print(f"{'page':28}{'kind':>8}" + "".join(f"{c:>16}" for c in CATEGORIES) + "  performance runs")
    for row in rows:
        print(f"{row['page']:28}{row['kind']:>8}" + "".join(f"{row[c]:>16}" for c in CATEGORIES)
              + f"  {row['performance_runs']}")
    print(f"axe-core: {axe_pages} pages checked")
    (ROOT / "audit" / "results.json").write_text(json.dumps({"server": server, "lighthouse": rows, "axe_pages": axe_pages,
                                                              "problems": problems}, indent=2) + "\n")
    if problems:
        print("\n".join(["", "Below the goal:"] + problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
