"""The checker against the data-driven vectors in tests/vectors/diagnose.jsonl.

The same vectors, with the same comparison (tests/vectors/compare.py), run inside
Pyodide in test_checker_pyodide.py.
"""

import doctest
import importlib.util
import json
from pathlib import Path

import pytest

import checker
import checker.diagnosis
import checker.exceptions
import checker.crockford
import checker.formatspec
import checker.iso7064
import checker.keyfacts
import checker.keyformat
import checker.luhn
import checker.verhoeff
import checker.web

# The example vendor's keys and vectors (conftest.py skips them for another key format).
pytestmark = pytest.mark.example_format

VECTORS_DIR = Path(__file__).parent / "vectors"
_spec = importlib.util.spec_from_file_location("vector_compare", VECTORS_DIR / "compare.py")
compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)

VECTORS = compare.load(VECTORS_DIR / "diagnose.jsonl")


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector):
    found = compare.problems(vector, checker)
    assert not found, f"input {vector['input']!r}:\n  " + "\n  ".join(found)


def test_vectors_cover_the_spec():
    """At least 200 cases, every finding code, both languages, every normalization step."""
    assert len(VECTORS) >= 200
    assert len({v["id"] for v in VECTORS}) == len(VECTORS)
    codes = {f["code"] for v in VECTORS for f in v["findings"]}
    assert codes == set(checker.FINDING_CODES)
    for code in checker.FINDING_CODES:
        langs = {v["message_language"] for v in VECTORS for f in v["findings"] if f["code"] == code}
        assert langs == {"ja", "en"}, code
    inputs = "".join(v["input"] for v in VECTORS)
    for char in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\u3000\t\n\r ":
        assert char in inputs, f"no vector uses U+{ord(char):04X}"
    for point in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert chr(point) in inputs, f"no vector uses U+{point:04X}"
    assert any(not v["valid"] and v["normalized"] for v in VECTORS), "no checksum-failure keeps its normalized form"
    assert any(v["expect"] for v in VECTORS)


def test_finding_catalog_matches_the_decisions():
    assert checker.FINDING_CODES == (
        "empty", "too-long-input", "invalid-character", "confusable", "full-width", "separators",
        "invisible", "length", "checksum", "unknown-product", "version-mismatch",
    )
    assert checker.HELP_SECTIONS == {
        "empty": "entering-keys/#key-format",
        "too-long-input": "entering-keys/#copy-and-paste",
        "invalid-character": "entering-keys/#key-format",
        "confusable": "entering-keys/#confusable-characters",
        "full-width": "entering-keys/#full-width-characters",
        "separators": "entering-keys/#separators",
        "invisible": "entering-keys/#invisible-characters",
        "length": "entering-keys/#key-format",
        "checksum": "entering-keys/#typing-mistakes",
        "unknown-product": "entering-keys/#product-and-version",
        "version-mismatch": "troubleshooting/#check-version",
    }
    catalog = checker.message_catalog()
    for code, entry in catalog["findings"].items():
        for lang in checker.LANGUAGES:
            assert entry["message"][lang].strip() and entry["title"][lang].strip(), (code, lang)
    for group in ("text", "cli", "summary"):
        for name, texts in catalog[group].items():
            if not name.startswith("_"):
                assert set(texts) == set(checker.LANGUAGES), (group, name)
    assert set(catalog["argparse"]) - {"_comment"} == set(checker.LANGUAGES)


def test_products_are_json_ready():
    listed = checker.products()
    assert [p["id"] for p in listed] == ["studio/5", "studio/6", "pro/6"]
    assert json.loads(json.dumps(listed)) == listed
    for entry in listed:
        assert entry["id"] == f'{entry["product"]}/{entry["version"]}'
        assert set(entry["name"]) == {"ja", "en"}


@pytest.mark.parametrize(
    "module", [checker, checker.crockford, checker.diagnosis, checker.exceptions, checker.formatspec, checker.iso7064, checker.keyfacts,
     checker.keyformat, checker.luhn, checker.verhoeff, checker.web]
)
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
