"""The site in a real browser (Debian's Chromium through Playwright)."""

import time
from urllib.parse import urlsplit

import pytest

from conftest import LANGUAGES

SEARCHES = {
    # Every result must be a page of the language. The second word of each is only
    # in that language's pages (checked), so the other language must not find it.
    "ja": ["認証", "再起動"],
    "en": ["activation", "purchase"],
}


def search(page, query, timeout=20.0):
    """Type a query into Material's search; return the result links once there are any.

    The index loads in a worker, so the query is retyped until results appear or
    the time is up (then the answer is: no result)."""
    box = page.locator("input.md-search__input")
    box.click()
    deadline = time.monotonic() + timeout
    while True:
        box.fill(query)
        box.press("End")  # fill() alone may not trigger a search
        page.wait_for_timeout(250)
        links = page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.href)")
        if links or time.monotonic() > deadline:
            return links


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_answers_in_the_page_language_only(site, page, lang):
    page.goto(site.page_url(lang))
    for query in SEARCHES[lang]:
        links = search(page, query)
        assert links, f"{lang}: no result for {query!r}"
        for link in links:
            path = urlsplit(link).path
            in_english = path.startswith("/en/")
            assert in_english == (lang == "en"), f"{lang}: {query!r} found {link}"


@pytest.mark.parametrize("query, section", [
    ("ライセンス認証", None),  # the site's own words, written as one phrase
    ("サポートに連絡", "support/"),
    ("認証できない", None),
    ("有効期限が切れた", "troubleshooting/#license-expired"),
])
def test_japanese_phrases_are_split_into_words(site, page, query, section):
    """The index holds words (TinySegmenter); a query typed as a phrase must be split too."""
    page.goto(site.page_url("ja"))
    links = search(page, query)
    assert links, f"no result for {query!r}"
    assert all(not urlsplit(link).path.startswith("/en/") for link in links)
    if section:
        page_path, _, fragment = section.partition("#")
        assert any(urlsplit(link).path == f"/{page_path}" and urlsplit(link).fragment == fragment
                   for link in links[:8]), links[:8]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_does_not_find_the_other_language(site, page, lang):
    other = "en" if lang == "ja" else "ja"
    word = SEARCHES[other][1]
    index = (site.dir if lang == LANGUAGES[0] else site.dir / lang) / "search/search_index.json"
    text = index.read_text(encoding="utf-8").lower()
    assert word not in text, f"{word!r} is in the {lang} pages too: pick another word"
    assert word in (site.dir / ("en" if lang == LANGUAGES[0] else "") / "search/search_index.json") \
        .read_text(encoding="utf-8").lower()
    page.goto(site.page_url(lang))
    assert search(page, SEARCHES[lang][0]), "the index did not load"
    assert search(page, word, timeout=3) == []


@pytest.mark.parametrize("source, target", [("ja", "en"), ("en", "ja")])
def test_language_switch_keeps_page_and_section(site, page, source, target):
    page.goto(site.page_url(source, "troubleshooting/#check-connection"))
    link = page.locator(f"a.md-select__link[hreflang={target}]")
    href = link.get_attribute("href")
    assert href.endswith("#check-connection"), href
    page.locator(".md-select").first.hover()
    link.click()
    page.wait_for_load_state("load")
    assert page.url == site.page_url(target, "troubleshooting/#check-connection")
    assert page.evaluate("document.documentElement.lang") == target
    assert page.locator("#check-connection").count() == 1


def test_no_request_leaves_loopback(site, page):
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    for lang in LANGUAGES:
        for path in ("", "troubleshooting/", "entering-keys/", "faq/"):
            page.goto(site.page_url(lang, path))
            page.wait_for_load_state("networkidle")
        search(page, SEARCHES[lang][0])
    outside = [u for u in seen if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))]
    assert len(seen) > 20, seen
    assert not outside, outside


def test_no_failed_requests_or_console_errors(site, page):
    """A 404 or console error on every page (Material's sitemap probe, say) costs users and audits."""
    problems = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    for lang in LANGUAGES:
        for path in ("", "troubleshooting/", "support/"):
            page.goto(site.page_url(lang, path))
            page.wait_for_load_state("networkidle")
    assert not problems, problems


def test_hreflang_links_are_in_place_after_material_starts(site, page):
    """hreflang-guard.js hides them from Material's bundle while it starts; they must come back."""
    page.goto(site.page_url("en", "faq/"))
    page.wait_for_load_state("load")
    langs = page.eval_on_selector_all('link[rel="alternate"][hreflang]', "els => els.map(e => e.hreflang)")
    assert sorted(langs) == ["en", "ja", "x-default"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_article_prints_cleanly(site, page, lang):
    """Print: the article alone (no header, navigation, search, footer), every step shown."""
    page.goto(site.page_url(lang, "troubleshooting/"))
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary',
                                      '.md-footer', '.md-search', '.headerlink']
        .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
    assert all(hidden), hidden
    assert page.locator("#check-connection").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color") == "rgb(0, 0, 0)"
    assert len(page.pdf(format="A4")) > 10_000  # Chromium really prints it


def test_a_page_answered_without_its_slash_moves_to_its_folder(site, page):
    # npm `serve` answers "/en/checker" with the page itself (200, no redirect): relative
    # links would resolve one folder too high, so the page moves to "/en/checker/" first.
    html = (site.dir / "en" / "checker" / "index.html").read_bytes()
    bare = site.page_url("en", "checker")
    page.route(bare, lambda route: route.fulfill(status=200, body=html, content_type="text/html"))
    page.goto(bare)
    page.wait_for_url(site.page_url("en", "checker/"), timeout=10_000)
    home = page.evaluate("new URL(document.querySelector('a.md-header__button.md-logo').getAttribute('href'), location.href).href")
    assert home == site.page_url("en", "")
