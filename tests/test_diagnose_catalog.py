""""Check this computer": catalog/diagnostics.yml, the hook that reads it and the CSP it sets."""

import copy
import html
import importlib.util
import os
import re
import subprocess
import sys
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from site_server import ServedSite  # noqa: E402

_spec = importlib.util.spec_from_file_location("diagnose_hook", ROOT / "overrides" / "hooks" / "diagnose.py")
diagnose = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(diagnose)

CATALOG = ROOT / "catalog" / "diagnostics.yml"
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


def connect_src(page_html):
    """The sources a page may connect to (default-src where connect-src is not given)."""
    directives = {d.split()[0]: d.split()[1:] for d in html.unescape(CSP.search(page_html).group(1)).split(";")
                  if d.strip()}
    return directives.get("connect-src", directives.get("default-src"))


def write(tmp_path, data):
    path = tmp_path / "diagnostics.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def shipped():
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


def test_the_shipped_catalog_loads(shipped):
    catalog = diagnose.load_catalog(CATALOG, list(LANGUAGES))
    assert all(e["timeout_ms"] > 0 for e in catalog["endpoints"])
    # The example is on the example vendor's host and says it must be replaced.
    assert all(urlsplit(e["url"]).hostname.endswith("example.com") for e in catalog["endpoints"])
    assert "REPLACE THIS EXAMPLE" in CATALOG.read_text(encoding="utf-8")
    # It is a demo: listed, never tried, so the page's policy does not allow it either.
    assert diagnose.placeholders(catalog) == [e["url"] for e in shipped["endpoints"]]
    assert diagnose.connect_sources(catalog) == []
    assert catalog["server_side_status"] == [[429, 429], [500, 599]]


@pytest.mark.parametrize("url, demo, placeholder", [
    ("https://activation.example.com/health", False, True),  # a name reserved for examples: never real
    ("https://licensing.example/health", False, True),
    ("https://auth.vendor.test/health", False, True),
    ("https://activation.vendor.com/health", True, True),    # marked demo
    ("https://activation.vendor.com/health", False, False),
    ("https://example.com.vendor.com/health", False, False),
])
def test_placeholders_are_demos_and_only_they(tmp_path, shipped, url, demo, placeholder):
    shipped["endpoints"][0].update(url=url, demo=demo)
    catalog = diagnose.load_catalog(write(tmp_path, shipped), list(LANGUAGES))
    assert catalog["endpoints"][0]["demo"] is placeholder
    assert diagnose.connect_sources(catalog) == ([] if placeholder else [url])
    warning = diagnose.placeholder_warning(catalog, "diagnostics.yml")
    assert (warning is not None) == placeholder
    if placeholder:
        assert url in warning and "DIAGNOSTICS_STRICT=1" in warning


def mkdocs_build(tmp_path, **env):
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir",
                             str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env))
    return result.returncode, result.stdout + result.stderr


def test_the_build_warns_about_a_placeholder_and_strict_mode_stops_it(site, tmp_path):
    warning = diagnose.placeholder_warning(diagnose.load_catalog(CATALOG, list(LANGUAGES)), CATALOG)
    assert [line for line in site.build_log.splitlines() if "WARNING" in line] == [f"WARNING -  {warning}"]
    status, log = mkdocs_build(tmp_path, DIAGNOSTICS_STRICT="1")
    assert status != 0 and warning in log, log


@pytest.mark.parametrize("change, message", [
    (lambda d: d["endpoints"][0].update(url="http://activation.example.com/health"), "must use https"),
    (lambda d: d["endpoints"][0].update(url="https://activation.example.com/health?id=1"), "without query"),
    (lambda d: d["endpoints"][0].update(url="https://a.example.com/x; script-src *"), "semicolons"),
    (lambda d: d["endpoints"][0].update(url="https://user:pw@a.example.com/"), "credentials"),
    (lambda d: d["endpoints"][0]["name"].pop("en"), "name in each language"),
    (lambda d: d["endpoints"][0].update(healthy_status=["200"]), "healthy_status"),
    (lambda d: d["endpoints"][0].pop("cors"), "cors must be"),
    (lambda d: d["endpoints"].append(copy.deepcopy(d["endpoints"][0])), "unique"),
    (lambda d: d["clock"].update(threshold_seconds=0), "threshold_seconds"),
    (lambda d: d["endpoints"][0].update(demo="yes"), "demo must be true or false"),
    (lambda d: d.update(server_side_status=["5xx"]), "'5xx' is neither an HTTP status nor a range"),
    (lambda d: d.update(server_side_status=["599-500"]), "'599-500'"),
    (lambda d: d.update(server_side_status=[]), "server_side_status must be a list"),
    (lambda d: d["timeouts"].pop("endpoint_ms"), "endpoint_ms"),
    (lambda d: d["en"]["script"]["results"].pop("clock_ahead"), "clock_ahead"),
    (lambda d: d.pop("en"), "no texts for language 'en'"),
    (lambda d: d["ja"].pop("manual_links"), "manual_links"),
    (lambda d: d["en"]["script"]["links"]["clock"].pop("href"), "need a text and an href"),
])
def test_a_broken_catalog_stops_the_build_with_a_clear_message(tmp_path, shipped, change, message):
    change(shipped)
    with pytest.raises(diagnose.CatalogError, match=re.escape(message)):
        diagnose.load_catalog(write(tmp_path, shipped), list(LANGUAGES))


def test_loopback_endpoints_may_use_plain_http(tmp_path, shipped):
    shipped["endpoints"][0].update(url="http://127.0.0.1:8123/health", demo=False)
    catalog = diagnose.load_catalog(write(tmp_path, shipped), list(LANGUAGES))
    assert diagnose.connect_sources(catalog) == ["http://127.0.0.1:8123/health"]


def test_only_the_diagnose_page_allows_the_endpoints(site, shipped):
    urls = [e["url"] for e in shipped["endpoints"] if not e.get("demo")]
    for lang in LANGUAGES:
        folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
        assert connect_src((folder / "diagnose" / "index.html").read_text(encoding="utf-8")) == ["'self'", *urls]
    others = [p for p in site.html_files() if p.parent.name != "diagnose"]
    assert len(others) > 10
    for path in others:
        assert connect_src(path.read_text(encoding="utf-8")) in (["'self'"], ["'none'"]), path


def test_every_link_the_page_script_shows_resolves(site, shipped):
    """The script's links are not in the Markdown, so MkDocs cannot check them: this does."""
    for lang in LANGUAGES:
        base = site.page_url(lang)
        folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
        links = [shipped[lang]["noscript_link"], *shipped[lang]["script"]["links"].values(),
                 *shipped[lang]["manual_links"]]
        for link in links:
            target = urlsplit(urljoin(base, link["href"]))
            page = folder / target.path[len(urlsplit(base).path):] / "index.html"
            assert page.exists(), link
            if target.fragment:
                assert f'id="{target.fragment}"' in page.read_text(encoding="utf-8"), link


def test_the_pages_that_send_readers_here_link_to_it(site):
    for lang in LANGUAGES:
        folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
        for page in ("index.html", "troubleshooting/index.html", "errors/index.html"):
            assert 'diagnose/"' in (folder / page).read_text(encoding="utf-8"), (lang, page)
        errors = (folder / "errors" / "index.html").read_text(encoding="utf-8")
        for code in ("net-001", "net-002", "srv-503", "sys-001"):
            section = errors.split(f'id="{code}"', 1)[1].split("<h3", 1)[0]
            assert 'diagnose/"' in section, (lang, code)


def test_with_no_endpoint_the_page_says_so_and_the_policy_stays(tmp_path, shipped, browser):
    shipped["endpoints"] = []
    served = ServedSite(tmp_path / "site", extra_env={"DIAGNOSTICS_CATALOG": str(write(tmp_path, shipped))})
    try:
        page_html = (served.dir / "en" / "diagnose" / "index.html").read_text(encoding="utf-8")
        assert connect_src(page_html) == ["'self'"]
        assert shipped["en"]["no_endpoints"] in page_html
        assert "WARNING" not in served.build_log, served.build_log  # no placeholder, no warning
        page = browser.new_page()
        try:
            page.goto(served.url + "en/diagnose/")
            while page.evaluate("document.querySelector('.diagnose').dataset.state") != "ready":
                page.wait_for_timeout(50)
            page.click(".diagnose__start")
            while page.evaluate("document.querySelector('.diagnose').dataset.state") != "done":
                page.wait_for_timeout(50)
            kinds = page.eval_on_selector_all(".diagnose__item", "items => items.map(i => i.dataset.result)")
        finally:
            page.close()
    finally:
        served.close()
    assert "no_endpoints" in kinds and not [k for k in kinds if k.startswith("endpoint_")], kinds


# Words a beginner should not meet on the diagnose page outside its "technical details"
# disclosures (issue 21): they stay there, for support.
JARGON = {
    "ja": ("キャッシュ", "名前解決", "DNS", "リファラー", "WebAssembly", "Web Worker", "DecompressionStream",
           "CORS", "プロキシ", "コンテンツセキュリティポリシー"),
    "en": ("cache", "DNS", "referrer", "WebAssembly", "Web Worker", "DecompressionStream", "CORS", "proxy",
           "Content Security Policy"),
}


def visible_text(page_html):
    """The page's text outside <details>, <script> and the navigation (Material's menus)."""
    article = page_html.split("<article", 1)[1].split("</article>", 1)[0]
    for block in (r"<details.*?</details>", r"<script.*?</script>", r"<[^>]+>"):
        article = re.sub(block, " ", article, flags=re.S)
    return html.unescape(article)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_diagnose_page_speaks_plainly_with_details_behind_a_disclosure(site, shipped, lang):
    folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
    page_html = (folder / "diagnose" / "index.html").read_text(encoding="utf-8")
    text = visible_text(page_html)
    assert not [w for w in JARGON[lang] if w.lower() in text.lower()], text
    assert "<details" in page_html and "DNS" in page_html.split("<details", 1)[1]  # the detail is there, folded
    # What the page script shows as each result's sentence: plain too (details go in the disclosure).
    results = " ".join(shipped[lang]["script"]["results"].values())
    assert not [w for w in JARGON[lang] if w.lower() in results.lower()], results
    assert set(shipped[lang]["script"]["details"]) <= set(shipped[lang]["script"]["results"])
