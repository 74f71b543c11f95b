"""The default build, copied under a path of its own (/help/), as a staging copy or an
intranet mirror is (issue 19, defect 7): the lookup box keeps readers in the copy, and
the 404 pages served there are styled and work.

The copy is served by the loopback site server (tools/site_server.py) from a folder
that holds the site as ``help/``, with the 404 pages a host configured for that path
would serve: ``/help/en/…`` misses get ``help/en/404.html``, other ``/help/…`` misses
``help/404.html`` (or, like GitHub Pages and Netlify, only the root one).
"""

import functools
import http.server
import json
import threading

import pytest

from conftest import LANGUAGES
from site_server import StaticSiteHandler
from test_error_codes_browser import landed_on, look_up

SUB = "help"


def serve_copy(site, folder, not_found_pages):
    (folder / SUB).symlink_to(site.dir, target_is_directory=True)
    handler = type("CopyHandler", (StaticSiteHandler,), {"not_found_pages": not_found_pages})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/{SUB}/"


@pytest.fixture(scope="module")
def copy_url(site, tmp_path_factory):
    """The copy's URL (ends with /help/); each language has its own 404 page."""
    server, url = serve_copy(site, tmp_path_factory.mktemp("copy"),
                             {f"/{SUB}/en/": f"{SUB}/en/404.html", f"/{SUB}/": f"{SUB}/404.html"})
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def root_404_copy_url(site, tmp_path_factory):
    """The same, behind a host that answers every miss with the root 404 page only."""
    server, url = serve_copy(site, tmp_path_factory.mktemp("copy-root-404"), {f"/{SUB}/": f"{SUB}/404.html"})
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def links(site):
    return json.loads((site.dir / "links.json").read_text(encoding="utf-8"))


def in_copy(site, copy_url, url):
    """An URL of the site (as links.json has it) in the copy."""
    assert url.startswith(site.url), url
    return copy_url + url[len(site.url):]


def prefix(lang):
    return "" if lang == LANGUAGES[0] else f"{lang}/"


def styled(page, root=f"/{SUB}/"):
    """Material's stylesheet was loaded, from the copy (at `root`), and applies (the header is sticky)."""
    return page.evaluate("""root => [...document.styleSheets].some(s => s.href
                                    && new URL(s.href).pathname.startsWith(root + 'assets/stylesheets/main.')
                                    && s.cssRules.length > 100)
                               && getComputedStyle(document.querySelector('.md-header')).position === 'sticky'""", root)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lookup_box_keeps_readers_in_the_copy(site, copy_url, links, page, lang):
    for typed, code in [("NET-001", "NET-001"), ("sys001", "SYS-001")]:
        page.goto(copy_url + prefix(lang) + "errors/")
        with page.expect_navigation():
            look_up(page, typed)
        landed_on(page, in_copy(site, copy_url, links["codes"][code][lang]), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("missing", ["no/such/page/", "go/XYZ-999/", "errors/gone.html"])
def test_a_404_page_in_the_copy_is_styled_and_its_lookup_box_works(site, copy_url, links, page, lang, missing):
    url = copy_url + prefix(lang) + missing
    failed = []
    # Apart from the page itself and the probes for the site's root (links.json), nothing fails.
    page.on("response", lambda r: r.status >= 400 and r.url != url and not r.url.endswith("/links.json")
            and failed.append(r.url))
    response = page.goto(url)
    assert response.status == 404
    assert page.evaluate("document.documentElement.lang") == lang
    assert styled(page), "the 404 page in the copy is unstyled"
    config = json.loads(page.text_content("#__config"))
    assert config["base"] == f"/{SUB}/{prefix(lang)}", config["base"]  # Material's own links and search
    assert not failed, failed
    with page.expect_navigation():
        look_up(page, "net-001")
    landed_on(page, in_copy(site, copy_url, links["codes"]["NET-001"][lang]), lang)


@pytest.mark.parametrize("referer", ["faq/", None])
def test_a_404_for_a_top_level_typo_is_styled(copy_url, page, referer):
    response = page.goto(copy_url + "troubleshootin/", referer=referer and copy_url + referer)
    assert response.status == 404
    assert styled(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_root_404_page_in_the_copy_speaks_the_language_of_the_address(root_404_copy_url, page, lang):
    response = page.goto(root_404_copy_url + prefix(lang) + "no/such/page/")
    assert response.status == 404
    assert styled(page)
    assert page.evaluate("document.documentElement.lang") == lang
    shown = page.evaluate("[...document.querySelectorAll('[data-not-found-language]')].filter(b => !b.hidden).map(b => b.lang)")
    assert shown == [lang]


@pytest.mark.parametrize("missing", ["old/assets/logo.png", "docs/en/old-page/", "a/b/c/d/e/"])
def test_a_404_at_the_root_deployment_stays_styled_whatever_the_address_holds(site, page, missing):
    response = page.goto(site.url + missing)
    assert response.status == 404
    assert styled(page, "/")
