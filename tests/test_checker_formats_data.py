"""The checker against vectors generated from the key formats themselves.

Every format of ``checker/data/formats.json`` and of the test vendors
(``tests/vendors/*/formats.json``) gets vectors from ``tests/vectors/generate.py``
(valid keys of every product, every single-symbol substitution, confusables,
full-width, separators and their look-alikes, a stray space, a missing and an extra
symbol), compared by ``tests/vectors/compare.py`` as the example's fixed vectors are.
A vendor who changes formats.json is tested by this same suite; the Pyodide tests run
the second vendor's vectors on its own wheel (test_vendor_site.py).
"""

import copy
import functools
import importlib.util
import json
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker.keyformat import KeyFormat

ROOT = Path(__file__).resolve().parent.parent
VECTORS_DIR = Path(__file__).parent / "vectors"
FILES = [ROOT / "checker" / "data" / "formats.json", *sorted((Path(__file__).parent / "vendors").glob("*/formats.json"))]


def _module(name):
    spec = importlib.util.spec_from_file_location(f"vectors_{name}", VECTORS_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare = _module("compare")
generate = _module("generate")


def documents():
    """(id, document with that format as default) for every format of every file."""
    found = []
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for name in data["formats"]:
            found.append((f"{path.parent.name}-{name}", dict(copy.deepcopy(data), default=name)))
    return found


DOCUMENTS = documents()


def checker_for(document):
    """The checker's public functions bound to the document's default format."""
    fmt = KeyFormat(document["formats"][document["default"]], document["normalization"])
    return types.SimpleNamespace(
        diagnose=functools.partial(checker.diagnose, key_format=fmt),
        support_summary=functools.partial(checker.support_summary, key_format=fmt),
        validate=fmt.validate,
        is_valid=lambda text: _is_valid(fmt, text),
        default_format=lambda: fmt,
        ValidationError=checker.ValidationError,
    )


def _is_valid(fmt, text):
    try:
        return bool(fmt.validate(text))
    except checker.ValidationError:
        return False


@pytest.mark.parametrize("name, document", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_generated_vectors_pass(name, document):
    bound = checker_for(document)
    vectors = generate.vectors(document)
    assert len(vectors) > document["formats"][document["default"]]["length"]
    failures = {v["id"]: found for v in vectors if (found := compare.problems(v, bound))}
    assert not failures, json.dumps(dict(list(failures.items())[:5]), ensure_ascii=False, indent=1)


FORMATS = [KeyFormat(d["formats"][d["default"]], d["normalization"]) for _, d in DOCUMENTS]
junk = st.text(st.one_of(st.characters(min_codepoint=0, max_codepoint=0x10FFFF),
                         st.sampled_from(list("-.／/ 　。｡・*~$=Uu0OoIlL\u200b\ufeff\u0301"))), max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(FORMATS))), junk, st.sampled_from(["ja", "en"]))
def test_every_format_answers_any_text(index, text, lang):
    fmt = FORMATS[index]
    result = checker.diagnose(text, lang=lang, key_format=fmt)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["valid"] == _is_valid(fmt, text)
    assert len(checker.masked_key(text, fmt)) <= len(fmt.pattern()) + 1


def test_the_example_suite_knows_when_formats_json_is_another(monkeypatch):
    import conftest

    monkeypatch.setenv("CHECKER_FORMATS", str(conftest.EXAMPLE_FORMATS))
    assert conftest.example_format_in_use()
    monkeypatch.setenv("CHECKER_FORMATS", str(FILES[-1]))
    assert not conftest.example_format_in_use()
