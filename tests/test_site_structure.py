"""The built site: strict build, both languages for every page, stable section ids."""

import re

import yaml  # PyYAML comes with MkDocs

from conftest import LANGUAGES, ROOT
from sitehtml import parse

ASCII_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def language_pages(site, lang):
    """{language-neutral path: file} of one language's article pages.

    Assets, search and the /go/ redirect stubs (tests/test_error_codes*.py) are left out."""
    other = [f"{l}/" for l in LANGUAGES if l != LANGUAGES[0]]
    pages = {}
    for path in site.html_files():
        rel = path.relative_to(site.dir).as_posix()
        if rel.startswith(("assets/", "search/")) or "/assets/" in rel:
            continue
        if re.match(r"^([a-z]{2}/)?go/", rel):
            continue  # /go/CODE/ redirects, not pages: tests/test_error_codes.py checks them
        in_other = next((p for p in other if rel.startswith(p)), None)
        if rel[len(in_other or ""):].startswith("go/"):
            continue
        if lang == LANGUAGES[0] and in_other is None:
            pages[rel] = path
        elif in_other == f"{lang}/":
            pages[rel[len(in_other):]] = path
    return pages


def test_strict_build_has_no_warnings(site):
    # Only the shipped example's own notice (tests/test_diagnose_catalog.py checks it).
    warnings = [line for line in site.build_log.splitlines()
                if "WARNING" in line and "lists example activation servers" not in line]
    assert not warnings, site.build_log


def test_link_and_anchor_validation_is_on():
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml.load(f, Loader=yaml.BaseLoader)  # BaseLoader: ignore !ENV tags
    assert config["validation"]["anchors"] == "warn"
    assert config["validation"]["unrecognized_links"] == "warn"


def test_every_page_exists_in_both_languages(site):
    ja, en = (set(language_pages(site, lang)) for lang in LANGUAGES)
    assert len(ja) >= 7, sorted(ja)
    assert ja == en, f"only in ja: {sorted(ja - en)}; only in en: {sorted(en - ja)}"


def test_same_section_ids_in_both_languages(site):
    ja, en = (language_pages(site, lang) for lang in LANGUAGES)
    for rel in sorted(set(ja) & set(en)):
        ids_ja, ids_en = parse(ja[rel]).heading_ids, parse(en[rel]).heading_ids
        assert ids_ja == ids_en, f"{rel}: ja {ids_ja} != en {ids_en}"


def test_section_ids_are_explicit_ascii(site):
    for lang in LANGUAGES:
        for rel, path in language_pages(site, lang).items():
            for section_id in parse(path).heading_ids:
                assert ASCII_ID.match(section_id), f"{lang}/{rel}: heading id {section_id!r}"
                assert not re.match(r"^_\d+$", section_id), f"{lang}/{rel}: generated id {section_id!r}"


def test_html_lang_matches_the_language(site):
    for lang in LANGUAGES:
        for rel, path in language_pages(site, lang).items():
            assert parse(path).lang == lang, f"{lang}/{rel}"


def test_hreflang_is_absolute_with_x_default(site):
    for lang in LANGUAGES:
        for rel, path in language_pages(site, lang).items():
            if rel.startswith("404"):
                continue
            neutral = rel[: -len("index.html")]
            alternates = {a.get("hreflang"): url for tag, a, url in parse(path).links
                          if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang")}
            expected = {l: site.page_url(l, neutral) for l in LANGUAGES}
            expected["x-default"] = site.page_url(LANGUAGES[0], neutral)
            assert alternates == expected, f"{lang}/{rel}"


def test_one_404_page_per_language(site):
    for lang in LANGUAGES:
        page = site.dir / ("404.html" if lang == LANGUAGES[0] else f"{lang}/404.html")
        assert page.exists(), page
        assert parse(page).lang == lang


def test_search_index_per_language(site):
    import json

    for lang in LANGUAGES:
        folder = site.dir if lang == LANGUAGES[0] else site.dir / lang
        index = json.loads((folder / "search/search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        locations = [doc["location"] for doc in index["docs"]]
        assert locations, f"{lang}: empty search index"
        # Every location resolves to a page of this language.
        pages = set(language_pages(site, lang))
        for location in locations:
            page = location.split("#")[0]
            assert f"{page}index.html" in pages, f"{lang}: {location}"


def test_no_source_or_data_file_is_published(site):
    leaked = [p.relative_to(site.dir).as_posix() for p in site.dir.rglob("*")
              if p.suffix in {".py", ".yml", ".yaml", ".md", ".in", ".lock"}]
    assert not leaked, leaked


def test_sitemap_lists_every_page_with_both_languages(site):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site.dir / "sitemap.xml").getroot()
    entries = {}
    for url in root.findall("s:url", ns):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        entries[url.find("s:loc", ns).text] = alternates
    for rel in language_pages(site, "ja"):
        if rel.startswith("404"):
            continue
        neutral = rel[: -len("index.html")]
        loc = site.page_url("ja", neutral)
        assert loc in entries, f"{loc} not in sitemap.xml"
        assert entries[loc] == {lang: site.page_url(lang, neutral) for lang in LANGUAGES}, loc
