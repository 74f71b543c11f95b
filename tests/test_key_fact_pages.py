"""The key pages, rendered for every format of the example and of the second vendor
(tests/vendors/northwind/), state only what holds for that format: no check character
without a check, no product prefixes without products, the hyphen tips only for hyphens,
no "never type spaces" when the separator is a space, the separator named in the heading
(``<!-- key:if … -->`` blocks, overrides/hooks/key_facts.py). Without MkDocs: the hook's
render() on the page sources."""

import importlib.util

import pytest

from checker import keyfacts
from checker.keyformat import load_formats
from conftest import LANGUAGES, ROOT

_spec = importlib.util.spec_from_file_location("key_facts_hook", ROOT / "overrides" / "hooks" / "key_facts.py")
key_facts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(key_facts)

PAGES = ["entering-keys", "checker", "faq"]
_, EXAMPLE = load_formats()
_, VENDOR = load_formats(ROOT / "tests" / "vendors" / "northwind" / "formats.json")
FORMATS = {**{f"example-{n}": f for n, f in EXAMPLE.items()}, **{f"northwind-{n}": f for n, f in VENDOR.items()}}
# What each statement says, in each language (the pages' own words).
CHECK = {"ja": "確認用の文字", "en": "check character"}
PREFIX = {"ja": "文字** は、製品とバージョンを表します", "en": "characters** tell you the product"}
HYPHEN_TIP = {"ja": "ワープロソフト", "en": "Word processors"}
NO_SPACES = {"ja": "スペースはどこにも入れません", "en": "Never type spaces"}


def rendered(fmt, lang):
    facts, conditions = keyfacts.facts(fmt, lang), keyfacts.conditions(fmt)
    texts = []
    for page in PAGES:
        path = ROOT / "docs" / (f"{page}.md" if lang == "ja" else f"{page}.{lang}.md")
        texts.append(key_facts.render(path.read_text(encoding="utf-8"), facts, path.name, conditions))
    return "\n".join(texts)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_key_pages_state_only_what_holds_for_the_format(name, lang):
    fmt = FORMATS[name]
    text = rendered(fmt, lang)
    assert (CHECK[lang] in text) == (fmt.check != "none"), "check character"
    assert (PREFIX[lang] in text) == bool(fmt.products), "product prefix"
    assert (HYPHEN_TIP[lang] in text) == (fmt.separator == "-"), "hyphen tip"
    assert (NO_SPACES[lang] in text) == (fmt.separator != " "), "never type spaces"
    heading = next(line for line in text.splitlines() if line.endswith("{#separators}"))
    assert keyfacts.separator_name(fmt, lang).lower() in heading.lower(), heading
    assert "Studio" not in text or name.startswith("example-")
    assert "<!-- key:" not in text
