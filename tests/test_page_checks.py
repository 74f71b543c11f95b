"""Build checks from overrides/hooks/page_checks.py, and what they guarantee on the site."""

import importlib.util
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from conftest import LANGUAGES, ROOT
from sitehtml import parse
from test_site_structure import language_pages


def load_hook():
    spec = importlib.util.spec_from_file_location("page_checks", ROOT / "overrides/hooks/page_checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("meta", [{}, {"description": ""}, {"description": "  "}, {"description": 3}])
def test_a_page_without_description_stops_the_build(meta):
    page = SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri="faq.en.md"))
    with pytest.raises(PluginError, match=r"faq\.en\.md: missing `description:`"):
        load_hook().on_page_markdown("# FAQ", page=page, config=None, files=None)


def test_a_page_with_description_passes():
    page = SimpleNamespace(meta={"description": "Answers."}, file=SimpleNamespace(src_uri="faq.en.md"))
    assert load_hook().on_page_markdown("# FAQ", page=page, config=None, files=None) == "# FAQ"


def test_every_page_has_its_own_description_in_its_language(site):
    ja, en = (language_pages(site, lang) for lang in LANGUAGES)
    for rel in ja:
        if rel.startswith(("404", "go/")):
            continue
        d_ja, d_en = parse(ja[rel]).meta.get("description"), parse(en[rel]).meta.get("description")
        assert d_ja and d_en, rel
        assert d_ja != d_en, f"{rel}: the same description in both languages"
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in d_ja), f"{rel}: {d_ja!r}"
        assert d_en.isascii(), f"{rel}: {d_en!r}"
