"""Error codes on the built site: catalog, /go/ pages, links.json and the never-break list.

Everything is checked against the data, not against copies of it: the catalog
(catalog/error-codes.yml), the key checker's help sections (checker.HELP_SECTIONS)
and the committed list of published links (catalog/published-links.txt).
"""

import gzip
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.exceptions import PluginError

from conftest import LANGUAGES, ROOT
from sitehtml import parse, resolve_file

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import error_codes  # noqa: E402  (the hook itself: its loader is what the build uses)

PUBLISHED = ROOT / "catalog" / "published-links.txt"


@pytest.fixture(scope="module")
def catalog():
    return error_codes.load_catalog(error_codes.CATALOG, LANGUAGES)


@pytest.fixture(scope="module")
def links(site):
    return json.loads((site.dir / "links.json").read_text(encoding="utf-8"))


def published_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


# Versions of the list from before it had a publisher line are the example vendor's.
EXAMPLE_PUBLISHER = "Example (the example vendor)"


def publisher(text):
    """The ``# publisher: NAME`` line of a version of the list."""
    for line in text.splitlines():
        if line.strip().lower().startswith("# publisher:"):
            return line.split(":", 1)[1].strip()
    return EXAMPLE_PUBLISHER


def removed_lines(versions, current):
    """Lines of earlier versions that the current list lacks, counting only the versions with
    the current publisher: a vendor's list binds from the commit that names them on."""
    removed = set()
    for old in versions:
        if publisher(old) == publisher(current):
            removed |= set(published_lines(old)) - set(published_lines(current))
    return removed


def heading_ids(site, url):
    """(file, heading ids, <html lang>) of the built page a same-site URL points at."""
    path = resolve_file(site.dir, url, site.url)
    assert path is not None and path.exists(), f"{url}: no page on the site"
    page = parse(path)
    return path, page.heading_ids, page.lang


class HeadParser(HTMLParser):
    """The parts of a /go/ page the contract is about."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang, self.http_equiv, self.meta, self.links, self.anchors, self.tags = "", {}, {}, {}, [], []
        self.title, self._in_title = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        elif tag == "meta" and "http-equiv" in attrs:
            self.http_equiv[attrs["http-equiv"].lower()] = attrs.get("content", "")
        elif tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links[attrs.get("rel")] = attrs.get("href")
        elif tag == "a":
            self.anchors.append(attrs.get("href"))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def go_page(site, lang, code):
    path = site.dir / site.page_url(lang, f"go/{code}/index.html")[len(site.url):]
    assert path.exists(), f"{lang}: no /go/ page for {code} ({path.relative_to(site.dir)})"
    parser = HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- links.json ------------------------------------------------------------------

def test_links_json_lists_every_code_with_absolute_urls_and_titles(site, links, catalog):
    assert set(links) == {"codes", "titles", "offline"}  # offline: tests/test_offline_bundle.py
    assert list(links["codes"]) == list(catalog.codes), "links.json must list the catalog's codes, in order"
    for code, entry in catalog.codes.items():
        assert set(links["codes"][code]) == set(LANGUAGES), code
        for lang in LANGUAGES:
            assert links["codes"][code][lang] == site.page_url(lang, entry.section), f"{code} {lang}"
            assert links["titles"][code][lang] == entry.text[lang]["title"], f"{code} {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_resolves_through_links_json(site, links, lang):
    for code, urls in links["codes"].items():
        url = urls[lang]
        path, ids, page_lang = heading_ids(site, url)
        assert page_lang == lang, f"{code}: {url} is not a {lang} page"
        assert urlsplit(url).fragment in ids, f"{code}: {url}: no heading with that id in {path.name}"


# --- one story: the catalog's and the key checker's sections -------------------------

def sections_resolve(site, sections, what):
    broken = []
    for name, section in sections.items():
        assert error_codes.SECTION.match(section), f"{what} {name}: {section!r} is not \"page/#section-id\""
        for lang in LANGUAGES:
            url = site.page_url(lang, section)
            path = resolve_file(site.dir, url, site.url)
            if not path.exists():
                broken.append(f"{what} {name} ({lang}): no page for {url}")
            elif urlsplit(url).fragment not in parse(path).heading_ids:
                broken.append(f"{what} {name} ({lang}): no heading #{urlsplit(url).fragment} in {url}")
    assert not broken, "\n".join(broken)


def test_catalog_sections_are_headings_in_both_languages(site, catalog):
    sections_resolve(site, {code: entry.section for code, entry in catalog.codes.items()}, "error code")


def test_checker_help_sections_are_headings_in_both_languages(site):
    # Fails (ImportError) until the key checker package is in place: that is on purpose.
    sys.path.insert(0, str(ROOT))
    import checker

    assert checker.HELP_SECTIONS, "checker.HELP_SECTIONS is empty"
    sections_resolve(site, {name: help for name, help in checker.HELP_SECTIONS.items() if help}, "checker finding")


# --- the errors page ---------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_errors_page_has_a_section_per_code_linking_to_its_section(site, catalog, lang):
    path = site.dir / site.page_url(lang, "errors/index.html")[len(site.url):]
    html = path.read_text(encoding="utf-8")
    page = parse(path)
    assert page.lang == lang
    for code, entry in catalog.codes.items():
        assert code.lower() in page.heading_ids, f"{lang}: no section #{code.lower()}"
        # The code's own section (up to the next heading) links to the explaining section.
        body = html.split(f'id="{code.lower()}"', 1)[1].split("<h", 1)[0]
        hrefs = {urljoin(site.page_url(lang, "errors/"), h) for h in re.findall(r'href="([^"]+)"', body)}
        assert site.page_url(lang, entry.section) in hrefs, f"{lang} {code}: no link to {entry.section}"
        assert entry.text[lang]["title"] in html, f"{lang} {code}: title missing"


@pytest.mark.parametrize("page_path", ["errors/index.html", "404.html"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_lookup_box_targets_come_from_the_catalog(site, catalog, links, lang, page_path):
    html = (site.dir / site.page_url(lang, page_path)[len(site.url):]).read_text(encoding="utf-8")
    forms = re.findall(r"<form class=\"error-lookup\"[^>]*data-targets='([^']*)'", html)
    assert len(forms) == 1, f"{lang}/{page_path}: expected one lookup box, found {len(forms)}"
    targets = json.loads(forms[0].replace("&#34;", '"'))
    assert set(targets) == set(catalog.codes) | set(catalog.retired)
    for code, target in targets.items():
        # Relative to the page (a 404 page sits in its language root, its <base> points there).
        assert not target.startswith(("/", "http")), target
        assert urljoin(site.page_url(lang, page_path), target) == links["codes"][catalog.resolve(code).code][lang]


# --- /go/ pages ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_go_pages_redirect_without_script_to_the_section(site, links, catalog, lang):
    for code in catalog.codes:
        target = links["codes"][code][lang]
        page = go_page(site, lang, code)
        here = site.page_url(lang, f"go/{code}/")
        assert page.lang == lang, code
        refresh = page.http_equiv["refresh"]
        assert refresh.startswith("0; url=../"), f"{code}: not relative (same origin on any host): {refresh}"
        assert urljoin(here, refresh.removeprefix("0; url=")) == target, code
        assert page.links["canonical"] == target, code  # absolute, as canonical links are
        assert [urljoin(here, a) for a in page.anchors] == [target], f"{code}: no visible link to {target}"
        assert page.links["icon"].startswith("../"), code
        assert page.meta.get("robots") == "noindex", code
        assert code in page.title and catalog.codes[code].text[lang]["title"] in page.title, code
        policy = page.http_equiv["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, policy
        assert "script" not in page.tags and "style" not in page.tags, code


# Issue 19, defect 8: dialogs and readers type codes in lower case, some CDNs lower-case paths.
@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_case_go_links_are_the_same_pages(site, catalog, lang):
    for code in [*catalog.codes, *catalog.retired]:
        upper, lower = (site.dir / site.page_url(lang, f"go/{spelling}/index.html")[len(site.url):]
                        for spelling in (code, code.lower()))
        assert lower.exists(), f"{lang}: no /go/ page for {code.lower()}"
        assert lower.read_bytes() == upper.read_bytes(), code


def test_go_pages_stay_out_of_sitemap_and_search(site):
    sitemap = (site.dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "/go/" not in sitemap and "links.json" not in sitemap
    assert "/errors/" in sitemap, "the sitemap check is not looking at the right file"
    assert "/go/" not in gzip.decompress((site.dir / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    for lang in LANGUAGES:
        folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
        index = json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))
        locations = [doc["location"] for doc in index["docs"]]
        assert any(loc.startswith("errors/") for loc in locations), f"{lang}: errors page not indexed"
        assert not [loc for loc in locations if loc.startswith("go/") or "/go/" in loc], lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_go_code_gets_the_languages_404_page_with_the_lookup_box(site, lang):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(site.page_url(lang, "go/XYZ-999/"), timeout=10)
    assert caught.value.code == 404
    html = caught.value.read().decode("utf-8")
    assert f'<html lang="{lang}"' in html
    assert '<form class="error-lookup"' in html


# --- links never break --------------------------------------------------------------------

def language_of(site, url):
    """The language whose root a same-site URL is under (None for another site)."""
    if not url.startswith(site.url):
        return None
    return next((l for l in LANGUAGES[1:] if url.startswith(site.page_url(l))), LANGUAGES[0])


def test_published_links_still_resolve_in_every_language(site):
    lines = published_lines(PUBLISHED.read_text(encoding="utf-8"))
    assert lines, "catalog/published-links.txt is empty"
    broken = []
    for line in lines:
        for lang in LANGUAGES:
            url = site.page_url(lang, line)
            if line.startswith("go/"):
                path = resolve_file(site.dir, url, site.url)
                if not path.exists():
                    broken.append(f"{lang}: {url} is gone")
                    continue
                parser = HeadParser()
                parser.feed(path.read_text(encoding="utf-8"))
                url = urljoin(url, parser.http_equiv.get("refresh", "").partition("url=")[2])
                if language_of(site, url) != lang:
                    broken.append(f"{lang}: {line} redirects to {url!r}, outside its language")
                    continue
            path = resolve_file(site.dir, url, site.url)
            if path is None or not path.exists():
                broken.append(f"{lang}: {line}: no page for {url}")
            elif urlsplit(url).fragment and urlsplit(url).fragment not in parse(path).ids:
                broken.append(f"{lang}: {line}: no id #{urlsplit(url).fragment} in {url}")
    assert not broken, "Published links must never break (see docs/developers.md):\n" + "\n".join(broken)


def test_everything_published_is_in_the_list(site, links):
    listed = set(published_lines(PUBLISHED.read_text(encoding="utf-8")))
    published = set()
    for lang in LANGUAGES:
        root = site.page_url(lang)
        # The lower-case aliases of /go/CODE/ come with the code: the list names the code.
        published |= {f"go/{p.parent.name.upper()}/" for p in (site.dir / root[len(site.url):] / "go").glob("*/index.html")}
        published |= {urls[lang][len(root):] for urls in links["codes"].values()}
    missing = sorted(published - listed)
    assert not missing, f"add these lines to catalog/published-links.txt: {missing}"


def test_no_line_was_ever_removed_from_the_list():
    """Every version of the list in the git history is contained in the current one."""
    try:
        revisions = subprocess.run(["git", "log", "--format=%H", "--", "catalog/published-links.txt"],
                                   cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"no git history to compare catalog/published-links.txt with: {error}")
    versions = []
    for revision in revisions:
        old = subprocess.run(["git", "show", f"{revision}:catalog/published-links.txt"],
                             cwd=ROOT, capture_output=True, text=True)
        if old.returncode == 0:  # the commit that deleted the file has no version of it
            versions.append(old.stdout)
    current = PUBLISHED.read_text(encoding="utf-8")
    removed = removed_lines(versions, current)
    assert not removed, f"lines removed from catalog/published-links.txt (never remove, redirect): {sorted(removed)}"


def test_the_never_break_rule_starts_with_the_vendors_publication():
    example = "# publisher: Example\ngo/NET-001/\ngo/KEY-001/\n"
    vendor = "# publisher: Northwind\ngo/LNK-101/\n"
    # A vendor replaces the example's list with their own: the example's lines do not bind them.
    assert removed_lines([example], vendor) == set()
    # Once the list names them, removing one of their lines fails.
    assert removed_lines([example, vendor], "# publisher: Northwind\n") == {"go/LNK-101/"}
    # The example itself stays bound by its own history, from before the line existed too.
    assert removed_lines([example], "# publisher: Example\ngo/NET-001/\n") == {"go/KEY-001/"}
    assert removed_lines(["go/SRV-503/\n"], f"# publisher: {EXAMPLE_PUBLISHER}\n") == {"go/SRV-503/"}


# --- the catalog loader: bad input stops the build with a clear message ---------------------

GOOD_UI = {key: f"{key} {{code}}" for key in error_codes.UI_KEYS}


def write_catalog(tmp_path, text):
    path = tmp_path / "error-codes.yml"
    path.write_text(text, encoding="utf-8")
    return path


def entry_yaml(code="NET-001", section="troubleshooting/#check-connection", languages=LANGUAGES):
    lines = [f"  {code}:", f"    section: {section}"]
    for lang in languages:
        lines += [f"    {lang}:", f"      title: title {lang}", f"      explanation: explanation {lang}"]
    return "\n".join(lines) + "\n"


def catalog_yaml(codes, retired="{}", ui_languages=LANGUAGES):
    ui = "".join(f"  {lang}:\n" + "".join(f"    {k}: \"{v}\"\n" for k, v in GOOD_UI.items()) for lang in ui_languages)
    return f"codes:\n{codes}retired: {retired}\nui:\n{ui}"


def test_the_real_catalog_loads(catalog):
    """The catalog's rules, whatever codes a vendor has: at least one, each well formed, retired
    codes pointing at current ones (not the example's count of codes)."""
    assert catalog.codes
    assert all(error_codes.CODE.match(code) and error_codes.SECTION.match(entry.section)
               for code, entry in catalog.codes.items())
    assert all(new in catalog.codes and old not in catalog.codes for old, new in catalog.retired.items())


def test_a_minimal_catalog_loads(tmp_path):
    loaded = error_codes.load_catalog(write_catalog(tmp_path, catalog_yaml(entry_yaml())), LANGUAGES)
    assert loaded.codes["NET-001"].text["en"]["title"] == "title en"
    assert loaded.codes["NET-001"].anchor == "net-001"


@pytest.mark.parametrize("codes, retired, expected", [
    (entry_yaml(languages=("ja",)), "{}", r"code 'NET-001': no 'en' text"),
    (entry_yaml(section="troubleshooting#check-connection"), "{}", r"section 'troubleshooting#check-connection' is not"),
    (entry_yaml(section="troubleshooting/#Check_Connection"), "{}", r"section .* is not"),
    (entry_yaml() + entry_yaml(), "{}", r"line \d+: 'NET-001' appears twice"),
    (entry_yaml(code="net-001"), "{}", r"code 'net-001': a code is three capital letters"),
    (entry_yaml(), "{OLD-001: NET-999}", r"retired code 'OLD-001' points to 'NET-999'"),
    (entry_yaml(), "{NET-001: NET-001}", r"retired code 'NET-001' is also a current code"),
    ("", "{}", r"'codes' must be a mapping"),
])
def test_a_bad_catalog_stops_the_build_with_a_clear_error(tmp_path, codes, retired, expected):
    path = write_catalog(tmp_path, catalog_yaml(codes, retired))
    with pytest.raises(error_codes.CatalogError, match=expected) as caught:
        error_codes.load_catalog(path, LANGUAGES)
    assert isinstance(caught.value, PluginError)  # MkDocs stops the build and prints the message
    assert str(path) in str(caught.value)


def test_an_empty_text_or_missing_ui_language_is_refused(tmp_path):
    text = catalog_yaml(entry_yaml()).replace("explanation: explanation en", "explanation: ''")
    with pytest.raises(error_codes.CatalogError, match=r"language 'en'.*'explanation' is missing or empty"):
        error_codes.load_catalog(write_catalog(tmp_path, text), LANGUAGES)
    with pytest.raises(error_codes.CatalogError, match=r"'ui' has no 'en' texts"):
        error_codes.load_catalog(write_catalog(tmp_path, catalog_yaml(entry_yaml(), ui_languages=("ja",))), LANGUAGES)


def test_an_unknown_marker_stops_the_build():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="errors.md"))
    with pytest.raises(PluginError, match=r"errors.md: unknown marker\(s\) <!-- error-list -->"):
        error_codes.on_page_markdown("# Errors\n\n<!-- error-list -->\n", page, config=None, files=None)
    # Pages without the hook's markers are left alone.
    assert error_codes.on_page_markdown("<!-- note -->", SimpleNamespace(file=SimpleNamespace(src_uri="faq.md")),
                                        config=None, files=None) == "<!-- note -->"


def test_retired_codes_keep_their_go_page(tmp_path):
    path = write_catalog(tmp_path, catalog_yaml(entry_yaml(), retired="{OLD-001: NET-001}"))
    loaded = error_codes.load_catalog(path, LANGUAGES)
    pages = error_codes.go_pages(loaded, "https://help.example.com/", LANGUAGES, "ja", error_codes._environment())
    assert set(pages) == {"go/NET-001/index.html", "go/OLD-001/index.html",
                          "en/go/NET-001/index.html", "en/go/OLD-001/index.html",
                          # the lower-case aliases (issue 19, defect 8): the same pages
                          "go/net-001/index.html", "go/old-001/index.html",
                          "en/go/net-001/index.html", "en/go/old-001/index.html"}
    assert pages["en/go/old-001/index.html"] == pages["en/go/OLD-001/index.html"]
    # Relative: a copy of the site on another host keeps its readers there.
    assert 'url=../../troubleshooting/#check-connection"' in pages["en/go/OLD-001/index.html"]
    assert 'rel="canonical" href="https://help.example.com/en/troubleshooting/#check-connection"' in pages["en/go/OLD-001/index.html"]
    assert "OLD-001" not in error_codes.links_json(loaded, "https://help.example.com/", LANGUAGES, "ja")["codes"]


def test_generated_files_are_written_only_when_changed(tmp_path):
    target = tmp_path / "go" / "X" / "index.html"
    error_codes.write_if_changed(target, "one")
    before = target.stat().st_mtime_ns
    error_codes.write_if_changed(target, "one")
    assert target.stat().st_mtime_ns == before
    error_codes.write_if_changed(target, "two")
    assert target.read_text() == "two"
