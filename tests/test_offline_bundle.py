"""The offline bundle (make offline), unpacked from its zip (conftest.bundle), opened from file:// in Chromium."""

import html
import json
import re
import shutil
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import LANGUAGES, ROOT
from sitehtml import parse
from test_site_browser import search

PAGES = sorted(p.name.split(".")[0] for p in (ROOT / "docs").glob("*.md") if p.name.count(".") == 1)
CHECKER_TEXTS = yaml.safe_load((ROOT / "catalog" / "key-checker.yml").read_text(encoding="utf-8"))
DIAGNOSE_TEXTS = yaml.safe_load((ROOT / "catalog" / "diagnostics.yml").read_text(encoding="utf-8"))
# Each word is in its language's pages only (test_site_browser checks this of the same words).
SEARCHES = {"ja": ("再起動", "purchase"), "en": ("purchase", "再起動")}
LOOKUP_TARGETS = re.compile(r"""data-targets='([^']*)'""")


def bundle_page(bundle, lang, name):
    return bundle / ("" if lang == LANGUAGES[0] else lang) / f"{name}.html"


@pytest.fixture
def file_page(page):
    """A page that records every request not to a file and every console error."""
    page.problems = []
    page.on("request", lambda r: r.url.startswith("file:") or page.problems.append(f"request {r.url}"))
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error {e}"))
    return page


def test_every_page_of_both_languages_and_no_runtime(bundle):
    for lang in LANGUAGES:
        for name in PAGES:
            assert bundle_page(bundle, lang, name).is_file(), f"{lang} {name} is missing"
    assert not list(bundle.rglob("*.wasm")) and not (bundle / "assets" / "pyodide").exists()
    assert not list(bundle.rglob("key-checker*.js")), "the checker's scripts have no runtime to start here"
    assert not list(bundle.rglob("diagnose.js")), "a file:// page runs no check of this computer"
    assert not (bundle / "go").exists(), "a /go/ page would send the reader to the online site"


def test_links_and_anchors_resolve_inside_the_bundle(bundle):
    pages = {path: parse(path) for path in bundle.rglob("*.html")}
    problems = []
    for path, parsed in pages.items():
        # The lookup box's targets (error-lookup.js goes there) are links too.
        lookups = [("a", {}, url) for found in LOOKUP_TARGETS.findall(path.read_text(encoding="utf-8"))
                   for url in json.loads(html.unescape(found)).values()]
        for tag, attrs, url in parsed.links + lookups:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                # Only a reader's click may leave the bundle (Material's footer credit, say).
                if tag != "a" and attrs.get("rel") not in ("canonical", "alternate"):
                    problems.append(f"{path.relative_to(bundle)}: <{tag}> loads {url}")
                continue
            if url.startswith("/"):
                problems.append(f"{path.relative_to(bundle)}: root-absolute {url} breaks from a file")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_relative_to(bundle.resolve()) or not target.is_file():
                problems.append(f"{path.relative_to(bundle)}: {url} is not in the bundle")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in pages[target].ids:
                problems.append(f"{path.relative_to(bundle)}: no #{parts.fragment} in {target.relative_to(bundle)}")
    assert len(pages) >= 2 * len(PAGES)
    assert not problems, "\n".join(problems)


def test_every_page_loads_from_file_with_styles_and_no_request_or_error(bundle, file_page):
    for path in sorted(bundle.rglob("*.html")):
        file_page.goto(path.as_uri())
        file_page.wait_for_load_state("load")
        styled = file_page.evaluate("""() => [...document.querySelectorAll('link[rel=stylesheet]')]
            .every(link => link.sheet !== null)
            && getComputedStyle(document.querySelector('.md-header')).position === 'sticky'""")
        assert styled, f"{path.relative_to(bundle)}: a stylesheet did not load"
    assert not file_page.problems, file_page.problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_answers_in_the_page_language_only(bundle, file_page, lang):
    file_page.goto(bundle_page(bundle, lang, "index").as_uri())
    own, other = SEARCHES[lang]
    links = search(file_page, own)
    assert links, f"{lang}: no result for {own!r} from file://"
    in_english = {link: urlsplit(link).path.startswith(f"{bundle.as_posix()}/en/") for link in links}
    assert all(english == (lang == "en") for english in in_english.values()), links
    assert search(file_page, other, timeout=3) == []
    assert not file_page.problems, file_page.problems


# Issue 19, defect 10: Material's search worker finds its language files by cutting its
# script's URL at the first "/worker", which a folder of the reader's can hold too.
@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_works_from_under_a_folder_named_worker(bundle, file_page, tmp_path, lang):
    folder = tmp_path / "home" / "worker" / "アプリ" / "help"
    shutil.copytree(bundle, folder)
    file_page.goto(bundle_page(folder, lang, "index").as_uri())
    own, other = SEARCHES[lang]
    links = search(file_page, own)
    assert links, f"{lang}: no result for {own!r} from {folder}"
    english = f"{folder.as_posix()}/en/"
    assert all(unquote(urlsplit(link).path).startswith(english) == (lang == "en") for link in links), links
    assert search(file_page, other, timeout=3) == []
    assert not file_page.problems, file_page.problems


def test_japanese_phrases_are_segmented_from_file(bundle, file_page):
    file_page.goto(bundle_page(bundle, "ja", "index").as_uri())
    links = search(file_page, "有効期限が切れた")
    expected = bundle_page(bundle, "ja", "troubleshooting").as_uri() + "#license-expired"
    assert any(link.split("?")[0] + "#" + urlsplit(link).fragment == expected for link in links[:8]), links[:8]


@pytest.mark.parametrize("source, target", [("ja", "en"), ("en", "ja")])
def test_language_switch_keeps_page_and_section(bundle, file_page, source, target):
    file_page.goto(bundle_page(bundle, source, "troubleshooting").as_uri() + "#check-connection")
    file_page.locator(".md-select").first.hover()
    file_page.locator(f"a.md-select__link[hreflang={target}]").click()
    file_page.wait_for_load_state("load")
    assert file_page.url == bundle_page(bundle, target, "troubleshooting").as_uri() + "#check-connection"
    assert file_page.evaluate("document.documentElement.lang") == target
    assert file_page.locator("#check-connection").count() == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lookup_box_goes_to_the_code_section(bundle, file_page, lang):
    file_page.goto(bundle_page(bundle, lang, "errors").as_uri())
    box = file_page.locator("form.error-lookup input")
    box.fill("net001")
    box.press("Enter")
    file_page.wait_for_url("**/troubleshooting.html#check-connection", timeout=10_000)
    assert file_page.url == bundle_page(bundle, lang, "troubleshooting").as_uri() + "#check-connection"
    assert not file_page.problems, file_page.problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_checker_page_says_the_checker_needs_the_online_site(bundle, file_page, lang):
    file_page.goto(bundle_page(bundle, lang, "checker").as_uri())
    widget = file_page.locator(".key-checker")
    assert widget.get_attribute("data-state") == "offline"
    assert widget.locator(".key-checker__offline").inner_text() == CHECKER_TEXTS[lang]["offline"]
    manual = widget.locator(".key-checker__manual a")
    assert manual.count() == len(CHECKER_TEXTS[lang]["manual_links"]) and manual.first.is_visible()
    assert widget.locator("input, .key-checker__loading").count() == 0
    file_page.wait_for_timeout(500)  # anything that would start a runtime has had its chance
    assert file_page.evaluate("typeof window.keyCheckerStarter") == "undefined"
    assert not file_page.problems, file_page.problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_diagnose_page_says_the_check_needs_the_online_site(bundle, file_page, lang):
    path = bundle_page(bundle, lang, "diagnose")
    source = path.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', source).group(1)
    assert "connect-src 'self';" in policy and "http" not in policy, policy
    assert "diagnose.js" not in source and "diagnose__settings" not in source
    file_page.goto(path.as_uri())
    widget = file_page.locator(".diagnose")
    assert widget.get_attribute("data-state") == "offline"
    assert widget.locator(".diagnose__offline").inner_text() == DIAGNOSE_TEXTS[lang]["offline"]
    manual = widget.locator(".diagnose__manual a")
    assert manual.all_inner_texts() == [link["text"] for link in DIAGNOSE_TEXTS[lang]["manual_links"]]
    assert widget.locator("button, .diagnose__results").count() == 0
    first_page, _, first_section = DIAGNOSE_TEXTS[lang]["manual_links"][0]["href"].partition("#")
    manual.first.click()
    file_page.wait_for_load_state("load")
    assert file_page.url == bundle_page(bundle, lang, first_page.rstrip("/")).as_uri() + "#" + first_section
    assert not file_page.problems, file_page.problems


def test_links_json_offline_paths_open_the_same_sections_as_online(bundle, site):
    links = json.loads((site.dir / "links.json").read_text(encoding="utf-8"))
    assert links["offline"].keys() == links["codes"].keys()
    for code, by_language in links["offline"].items():
        for lang in LANGUAGES:
            path, _, section = by_language[lang].partition("#")
            online = urlsplit(links["codes"][code][lang])
            assert section and section == online.fragment, (code, lang)
            page_path = online.path[len(urlsplit(site.page_url(lang)).path):].strip("/")
            expected = bundle_page(bundle, lang, page_path or "index")
            assert bundle / path == expected, (code, lang, path)
            assert section in parse(expected).ids, (code, lang)
