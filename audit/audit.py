"""`make audit`: Lighthouse on the key page types in both languages, axe-core on every page.

Builds the real site for a loopback address, serves it, runs Lighthouse's default
(mobile) audit with Debian's Chromium (median of three runs), and fails below the goals:
accessibility, SEO and best practices 100 everywhere; performance 100 on articles
and at least 95 on the checker page. Writes audit/results.json.
"""

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

LIGHTHOUSE = ROOT / "audit" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {  # page type: (path, minimum performance)
    "home": ("", 100),
    "article": ("troubleshooting/", 100),
    "checker": ("checker/", 95),
    "errors": ("errors/", 100),
}
LANGUAGES = ("ja", "en")
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
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel.startswith(("assets/", "go/", "en/go/")):
            continue  # /go/ pages only redirect
        yield url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def main():
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome or not LIGHTHOUSE.exists():
        sys.exit("audit: needs Chromium and audit/node_modules (run `make audit`)")
    rows, problems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        site = ServedSite(tmp)
        try:
            for kind, (path, min_perf) in PAGES.items():
                for lang in LANGUAGES:
                    url = site.url + ("" if lang == "ja" else f"{lang}/") + path
                    scores, failed, performance_runs = median_lighthouse(url, chrome)
                    rows.append({"page": kind, "lang": lang, "url": url, **scores,
                                 "performance_runs": performance_runs, "failed_audits": failed})
                    goals = {"performance": min_perf, "accessibility": 100, "best-practices": 100, "seo": 100}
                    for category, goal in goals.items():
                        if scores[category] < goal:
                            problems.append(f"{kind}/{lang}: {category} {scores[category]} < {goal}: {failed}")
            from playwright.sync_api import sync_playwright
            sys.path.insert(0, str(ROOT / "tests"))
            from conftest import CHROMIUM_ARGS
            axe_pages = 0
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chrome, args=CHROMIUM_ARGS)
                page = browser.new_page()
                for url in every_page(site.dir, site.url):
                    page.goto(url)
                    axe_pages += 1
                    problems += [f"axe {url}: {v}" for v in axe_violations(page)]
                browser.close()
        finally:
            site.close()
    print(f"Lighthouse {RUNS} runs per page, median (mobile, default settings)")
    print(f"{'page':10}{'lang':6}" + "".join(f"{c:>16}" for c in CATEGORIES) + "  performance runs")
    for row in rows:
        print(f"{row['page']:10}{row['lang']:6}" + "".join(f"{row[c]:>16}" for c in CATEGORIES)
              + f"  {row['performance_runs']}")
    print(f"axe-core: {axe_pages} pages checked")
    (ROOT / "audit" / "results.json").write_text(json.dumps({"lighthouse": rows, "axe_pages": axe_pages,
                                                              "problems": problems}, indent=2) + "\n")
    if problems:
        print("\n".join(["", "Below the goal:"] + problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
