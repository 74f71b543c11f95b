"""A second vendor, built and checked like the example: tests/vendors/northwind/.

Another key format (32 symbols of Crockford's Base32 in 8-4-4-4-12, full stops between
groups, Crockford's mod-37 check symbol, other products), four error codes of its own.
Its runtime is built with ``tools/build_runtime.py --formats`` (cached in
``build/test-vendors/``, rebuilt when the checker, the tools or the formats change), the
site with ``CHECKER_FORMATS``, ``ERROR_CODES_CATALOG`` and ``CHECKER_RUNTIME`` (README,
"Your key format"). Checked here: the pages state this vendor's key, not the example's;
its /go/ links, links.json and 404s; its generated vectors inside Pyodide on its own wheel;
the widget in Chromium.
"""

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LANGUAGES, ROOT, Site
from site_server import BuildFailed, ServedSite
from test_checker_pyodide import run_vectors
from test_key_checker_browser import enter, wait_for_state

VENDOR = ROOT / "tests" / "vendors" / "northwind"
FORMATS = VENDOR / "formats.json"
CACHE = ROOT / "build" / "test-vendors" / "northwind"
BUILD_INPUTS = [FORMATS, ROOT / "tools" / "build_runtime.py", ROOT / "tools" / "make_snapshot.mjs",
                ROOT / "tools" / "trace_stdlib.mjs", ROOT / "tools" / "compile_stdlib.mjs", ROOT / "package-lock.json",
                ROOT / "pyproject.toml", *sorted((ROOT / "checker").rglob("*.py")), *sorted((ROOT / "checker").rglob("*.json"))]
DOCUMENT = json.loads(FORMATS.read_text(encoding="utf-8"))

_spec = importlib.util.spec_from_file_location("vectors_generate", ROOT / "tests" / "vectors" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def _inputs_digest():
    digest = hashlib.sha256()
    for path in BUILD_INPUTS:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def vendor_runtime():
    """The second vendor's browser runtime (its own wheel and snapshot), built once and cached."""
    stamp = CACHE / "inputs.sha256"
    digest = _inputs_digest()
    if not (stamp.exists() and stamp.read_text() == digest and (CACHE / "runtime" / "manifest.json").exists()):
        python = ROOT / ".venv-pyodide" / "bin" / "python"
        if not python.exists():
            pytest.fail(".venv-pyodide is missing: run `make runtime` first", pytrace=False)
        done = subprocess.run([str(python), str(ROOT / "tools" / "build_runtime.py"), "--formats", str(FORMATS),
                               "--out", str(CACHE / "runtime")], cwd=ROOT, capture_output=True, text=True,
                              timeout=900)
        if done.returncode != 0:
            pytest.fail(f"the second vendor's runtime did not build:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}",
                        pytrace=False)
        stamp.write_text(digest)
    return CACHE / "runtime"


@pytest.fixture(scope="session")
def vendor_site(tmp_path_factory, vendor_runtime):
    env = {"CHECKER_FORMATS": str(FORMATS), "ERROR_CODES_CATALOG": str(VENDOR / "error-codes.yml"),
           "PRODUCT_FACTS": str(VENDOR / "product.yml"), "CHECKER_RUNTIME": str(vendor_runtime)}
    try:
        served = ServedSite(tmp_path_factory.mktemp("vendor-site"), extra_env=env)
    except BuildFailed as error:
        pytest.fail(str(error), pytrace=False)
    yield Site(served.dir, served.url, served.build_log)
    served.close()


def text_of(site, lang, path):
    html = (site.dir / site.page_url(lang, path)[len(site.url):] / "index.html").read_text(encoding="utf-8")
    return html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pages_state_this_vendors_key(vendor_site, lang):
    keys = text_of(vendor_site, lang, "entering-keys/")
    assert "N3XXXXXX.XXXX.XXXX.XXXX.XXXXXXXXXXXX" in keys
    assert "Ledger 4" in keys and "| S5 |" not in keys and "Studio 5</td>" not in keys
    assert ("full stops" if lang == "en" else "ピリオド") in keys
    assert ("8, 4, 4, 4 and 12" if lang == "en" else "8・4・4・4・12") in keys
    assert "S5XXX" not in keys and "S6K3M" not in keys and "XXXXX-XXXXX" not in keys
    assert "&lt;!-- key:" not in keys and "<!-- key:" not in keys
    checker_page = text_of(vendor_site, lang, "checker/")
    assert ("first and last 6 characters" if lang == "en" else "最初と最後の6文字") in checker_page
    assert ("32" in checker_page) and "25 " not in checker_page.split("<article")[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_states_the_examples_products_or_separator(vendor_site, lang):
    root = vendor_site.dir / vendor_site.page_url(lang)[len(vendor_site.url):]
    pages = {p: p.read_text(encoding="utf-8") for p in root.rglob("index.html")
             if lang != "ja" or p.relative_to(root).parts[0] not in LANGUAGES}
    for path, html in pages.items():
        assert not re.search(r"\bStudio\b|\bPro\b", html), path
    keys = text_of(vendor_site, lang, "entering-keys/")
    heading = re.search(r'<h2 id="separators">(.*?)<', keys).group(1)
    assert heading == ("Full stops and spaces" if lang == "en" else "ピリオドとスペース")
    assert ("Word processors" if lang == "en" else "ワープロ") not in keys
    assert ("hyphen key" if lang == "en" else "「ほ」のキー") not in keys
    assert ("a key for Ledger 3 can't activate Ledger 4" if lang == "en"
            else "Ledger 3 用のキーでは Ledger 4 を認証できません") in keys
    assert "Ledger" in text_of(vendor_site, lang, "troubleshooting/")


def test_the_example_pages_state_the_examples_key(site):
    keys = text_of(site, "en", "entering-keys/")
    assert "S5XXX-XXXXX-XXXXX-XXXXX-XXXXX" in keys and "N3XXXXXX" not in keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_this_vendors_error_codes_and_links(vendor_site, lang):
    links = json.loads((vendor_site.dir / "links.json").read_text(encoding="utf-8"))
    assert sorted(links["codes"]) == ["LNK-101", "LNK-102", "SER-201", "SER-202"]
    root = vendor_site.dir / vendor_site.page_url(lang)[len(vendor_site.url):]
    assert (root / "go" / "LNK-101" / "index.html").exists() and (root / "go" / "LNK-100" / "index.html").exists()
    assert not (root / "go" / "NET-001").exists()
    assert "SER-202" in (root / "errors" / "index.html").read_text(encoding="utf-8")


def test_this_vendors_vectors_pass_inside_pyodide(vendor_runtime, tmp_path):
    manifest = json.loads((vendor_runtime / "manifest.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in manifest["products"]] == ["ledger/3", "ledger/4", "till/1"]
    vectors = generate.vectors(DOCUMENT)
    path = tmp_path / "vendor.jsonl"
    path.write_text("".join(json.dumps(v, ensure_ascii=True) + "\n" for v in vectors), encoding="ascii")
    report = run_vectors(vendor_runtime / "pyodide" / manifest["wheel"]["file"], "--runtime",
                         vendor_runtime / "pyodide", "--vectors", path, "--no-doctests")
    failures = "\n".join(f'{f["id"]}: {"; ".join(f["problems"])}' for f in report["failures"])
    assert report["total"] == len(vectors) and not report["failures"], failures


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_widget_judges_this_vendors_keys(vendor_site, page, lang):
    fmt_vectors = [v for v in generate.vectors(DOCUMENT) if v["lang"] == lang]
    page.goto(vendor_site.page_url(lang, "checker/"))
    wait_for_state(page, "ready")
    valid = next(v for v in fmt_vectors if v["id"].split("-", 1)[1].startswith("valid-display"))
    shown = enter(page, valid["input"].lower())
    assert shown["valid"] and shown["normalized"] == valid["normalized"] and shown["codes"] == []
    # "I" read as "1" in the last group, after four full stops: the mark is on that "1".
    body = "N3" + "ABCDEFGH" * 3 + "1" + "2345"
    key = body + generate.Format(DOCUMENT).check_symbol(body)
    typed = generate.Format(DOCUMENT).display(key[:26] + "I" + key[27:])
    shown = enter(page, typed)
    assert shown["valid"] and shown["codes"] == ["confusable"] and shown["marked"] == ["1"]
    html = page.evaluate("document.querySelector('.key-checker__key').innerHTML")
    assert html.startswith("N3ABCDEF.GHAB.CDEF.GHAB.CDEFGH<mark") and html.count("<mark") == 1, html
    wrong = next(v for v in generate.vectors(DOCUMENT) if "substitution-20" in v["id"])
    shown = enter(page, wrong["input"])
    assert not shown["valid"] and shown["codes"] == [f["code"] for f in wrong["findings"]]
    products = page.evaluate("[...document.querySelectorAll('.key-checker__expect option')].map(o => o.value)")
    assert [p for p in products if p] == ["ledger/3", "ledger/4", "till/1"]
