"""Error-code links in a real browser (Debian's Chromium): /go/ redirects and the lookup box."""

import json
import sys

import pytest

from conftest import LANGUAGES, ROOT
from web_servers import serve

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import error_codes  # noqa: E402

CATALOG = error_codes.load_catalog(error_codes.CATALOG, LANGUAGES)
TYPED = ["net-001", "NET001", " NET-001 ", "ＮＥＴ－００１", "Net 001"]  # all mean NET-001


@pytest.fixture(scope="module")
def links(site):
    return json.loads((site.dir / "links.json").read_text(encoding="utf-8"))


@pytest.fixture
def no_script_page(browser):
    """A page with JavaScript switched off: the /go/ links must work without it."""
    ctx = browser.new_context(java_script_enabled=False)
    yield ctx.new_page()
    ctx.close()


def landed_on(page, url, lang):
    section_id = url.split("#", 1)[1]
    assert page.url == url
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator(f"h1#{section_id}, h2#{section_id}, h3#{section_id}").count() == 1, url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_go_links_land_on_the_section_without_javascript(site, links, no_script_page, lang):
    page = no_script_page
    for code in CATALOG.codes:
        target = links["codes"][code][lang]
        page.goto(site.page_url(lang, f"go/{code}/"))
        page.wait_for_url(target, timeout=5000)  # the meta refresh has fired
        page.wait_for_load_state("load")
        landed_on(page, target, lang)


# Issue 19, defect 8: /go/ links in lower case work on any static host (their own pages,
# here behind Debian's stock nginx), other spellings through the 404 page (behind our
# deploy/ configuration, which serves it).
@pytest.fixture(scope="module")
def stock_nginx(site):
    with serve("nginx", site.dir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def deploy_nginx(site):
    with serve("nginx", site.dir, "deploy") as base_url:
        yield base_url


def served(site, base_url, url):
    return base_url + url[len(site.url):]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_case_go_links_land_on_the_section_without_javascript(site, links, no_script_page, stock_nginx, lang):
    page = no_script_page
    for code in [*CATALOG.codes, *CATALOG.retired]:
        target = served(site, stock_nginx, links["codes"][CATALOG.resolve(code).code][lang])
        page.goto(served(site, stock_nginx, site.page_url(lang, f"go/{code.lower()}/")))
        page.wait_for_url(target, timeout=5000)  # the meta refresh has fired
        page.wait_for_load_state("load")
        landed_on(page, target, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("spelling", ["Net-001", "nET-001/", "net001", "NET001/"])
def test_other_spellings_of_a_go_link_reach_the_section_through_the_404_page(site, links, page, deploy_nginx,
                                                                           lang, spelling):
    target = served(site, deploy_nginx, links["codes"]["NET-001"][lang])
    page.goto(served(site, deploy_nginx, site.page_url(lang, f"go/{spelling}")))
    page.wait_for_url(target, timeout=10000)
    page.wait_for_load_state("load")
    landed_on(page, target, lang)


def look_up(page, text):
    page.fill("form.error-lookup input", text)
    page.click("form.error-lookup button[type=submit]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lookup_box_normalizes_what_readers_type(site, links, page, lang):
    target = links["codes"]["NET-001"][lang]
    for typed in TYPED:
        page.goto(site.page_url(lang, "errors/"))
        with page.expect_navigation():
            look_up(page, typed)
        landed_on(page, target, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lookup_box_explains_unknown_codes_in_the_page_language(site, page, lang):
    ui = CATALOG.ui[lang]
    page.goto(site.page_url(lang, "errors/"))
    form = page.locator("form.error-lookup")
    message = page.locator("form.error-lookup .error-lookup__message")
    assert form.get_attribute("data-state") == "ready"

    look_up(page, "  XYZ-999 ")
    assert message.text_content() == ui["lookup_unknown"].replace("{code}", "XYZ-999")
    assert form.get_attribute("data-state") == "unknown"
    assert page.url == site.page_url(lang, "errors/")

    look_up(page, "")
    assert message.text_content() == ui["lookup_empty"]
    assert form.get_attribute("data-state") == "empty"

    hostile = '<img src=x onerror="document.title=1">'
    look_up(page, hostile)
    assert message.text_content() == ui["lookup_unknown"].replace("{code}", hostile)
    assert message.locator("img").count() == 0  # written as text, never as HTML


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_go_code_reaches_the_404_page_whose_lookup_box_works(site, links, page, lang):
    response = page.goto(site.page_url(lang, "go/XYZ-999/"))
    assert response.status == 404
    assert page.evaluate("document.documentElement.lang") == lang
    with page.expect_navigation():
        look_up(page, "sys001")
    landed_on(page, links["codes"]["SYS-001"][lang], lang)


# Issue 11, defect 3: what the reader typed is text, never a replacement pattern.
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("typed", ["$'", "$&", "US$$5", "$`x", "$1"])
def test_lookup_echoes_dollar_signs_as_typed(site, page, lang, typed):
    page.goto(site.page_url(lang, "errors/"))
    look_up(page, typed)
    message = page.locator("form.error-lookup .error-lookup__message").text_content()
    template = CATALOG.ui[lang]["lookup_unknown"]
    before, after = template.split("{code}")
    assert message == before + typed + after


# Issue 11, defect 4: codes are read by the checker's own rule (invisible characters,
# dashes, full-width), and an echo neither hides characters nor splits one.
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("typed", ["NET-\u200b001", "\u202eNET-001", "\ufeffnet\u2060-001", "ＮＥＴ‐００１", "NET\u2212001"])
def test_lookup_reads_codes_as_the_checker_reads_keys(site, links, page, lang, typed):
    page.goto(site.page_url(lang, "errors/"))
    with page.expect_navigation():
        look_up(page, typed)
    landed_on(page, links["codes"]["NET-001"][lang], lang)


def test_the_lookup_box_uses_the_checkers_table(site):
    html = (site.dir / "errors" / "index.html").read_text(encoding="utf-8")
    table = json.loads((ROOT / "checker" / "data" / "formats.json").read_text(encoding="utf-8"))["normalization"]
    assert "U+200B" in table["invisible_characters"]
    rendered = html.split("data-normalization='", 1)[1].split("'", 1)[0]
    assert json.loads(rendered) == {k: table[k] for k in ("dash_characters", "invisible_characters")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_code_with_hidden_characters_is_echoed_visibly_and_cut_between_characters(site, page, lang):
    page.goto(site.page_url(lang, "errors/"))
    message = page.locator("form.error-lookup .error-lookup__message")
    before, after = CATALOG.ui[lang]["lookup_unknown"].split("{code}")
    look_up(page, "XYZ-\u200b999")
    assert message.text_content() == before + "XYZ-[U+200B]999" + after
    look_up(page, "A" * 39 + "😀" * 5)  # the 40th character is a surrogate pair
    assert message.text_content() == before + "A" * 39 + "😀…" + after
    look_up(page, "🇯🇵" * 45)  # a flag is two code points: never cut in half
    assert message.text_content() == before + "🇯🇵" * 40 + "…" + after
