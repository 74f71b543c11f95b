"""formats.json is checked strictly, by the schema editors use and by the checker itself.

The same bad documents go to ``checker/data/formats.schema.json`` (with jsonschema,
a test-only dependency) and to ``checker/formatspec.py`` (standard library, what the
checker, the command line, ``make runtime`` and the site build run): both refuse them,
both accept the real file and the test vendors'. Then the shapes real keys have, and
the errors a vendor sees: one line naming the file, the format and the field.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from stdnum import verhoeff as stdnum_verhoeff
from stdnum.iso7064 import mod_37_36 as stdnum_mod_37_36

import checker
from checker import crockford, diagnose, formatspec
from checker.keyformat import KeyFormat, load_formats

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "checker" / "data" / "formats.json"
SCHEMA = json.loads((ROOT / "checker" / "data" / "formats.schema.json").read_text(encoding="utf-8"))
VENDOR_FORMATS = Path(__file__).parent / "vendors" / "northwind" / "formats.json"
DOCUMENTS = [FORMATS, VENDOR_FORMATS]


def real():
    return json.loads(FORMATS.read_text(encoding="utf-8"))


def schema_errors(document):
    return list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


def _set(path, value):
    def change(doc):
        *parents, last = path
        target = doc
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return change


DELETE = object()
DEMO = ("formats", "demo")

# (what is wrong, the change, the field the message names, whether the schema alone can tell)
BAD = [
    ("unknown top-level field", _set(("colour",), "blue"), "colour", True),
    ("misspelled check field", lambda d: d["formats"]["demo"].update(check_algorithm=d["formats"]["demo"].pop("check")),
     "check_algorithm", True),
    ("misspelled length", lambda d: d["formats"]["demo"].update(lenght=d["formats"]["demo"].pop("length")),
     "lenght", True),
    ("missing alphabet", _set((*DEMO, "alphabet"), DELETE), "alphabet", True),
    ("length is text", _set((*DEMO, "length"), "25"), "length", True),
    ("case_sensitive is text", _set((*DEMO, "case_sensitive"), "no"), "case_sensitive", True),
    ("unknown check", _set((*DEMO, "check"), "crc32"), "check", True),
    ("separator is a letter", _set((*DEMO, "group_separator"), "x"), "group_separator", True),
    ("separator is two characters", _set((*DEMO, "group_separator"), "--"), "group_separator", True),
    ("separator is full-width", _set((*DEMO, "group_separator"), "\uff0d"), "group_separator", True),
    ("alphabet with a non-ASCII letter", _set((*DEMO, "alphabet"), "0123456789ABCDEFGHJKMNPQRSTVWXYÄ"), "alphabet",
     True),
    ("alphabet with a space", _set((*DEMO, "alphabet"), "0123 456789"), "alphabet", True),
    ("ISO 7064 MOD 37,36 over 32 symbols", _set((*DEMO, "check"), "iso7064-mod-37-36"), "check", True),
    ("Verhoeff over letters", _set((*DEMO, "check"), "verhoeff"), "check", True),
    ("Crockford mod 37 over digits", lambda d: d["formats"]["demo"].update(
        check="crockford-mod-37", alphabet="0123456789", products=[], confusables={}, lookalike_pairs=[]),
     "check", True),
    ("Crockford check symbol as separator", lambda d: d["formats"]["demo"].update(
        check="crockford-mod-37", group_separator="*"), "group_separator", True),
    ("both group_size and groups", _set((*DEMO, "groups"), [5, 5, 5, 5, 5]), "groups", True),
    ("neither group_size nor groups", _set((*DEMO, "group_size"), DELETE), "groups", True),
    ("groups not numbers", lambda d: d["formats"]["demo"].update(groups=["8", 4], group_size=None)
     or d["formats"]["demo"].pop("group_size"), "groups", True),
    ("code point in lower case", _set(("normalization", "dash_characters"), ["u+2010"]), "dash_characters", True),
    ("missing normalization field", _set(("normalization", "max_input_length"), DELETE), "max_input_length", True),
    ("product without a name", _set((*DEMO, "products"), [{"prefix": "S5", "product": "s", "version": "5"}]),
     "name", True),
    ("unknown product field", _set((*DEMO, "products"), [{"prefix": "S5", "product": "s", "version": "5",
                                                          "name": {"en": "S"}, "price": 3}]), "price", True),
    # Rules across fields: the schema cannot say them, the checker does.
    ("groups do not add up", lambda d: d["formats"]["demo"].update(groups=[8, 4, 4, 4, 4])
     or d["formats"]["demo"].pop("group_size"), "groups", False),
    ("alphabet repeats a symbol", _set((*DEMO, "alphabet"), "00123456789"), "alphabet", False),
    ("prefix outside the alphabet", _set((*DEMO, "products"), [{"prefix": "L5", "product": "s", "version": "5",
                                                                "name": {"en": "S"}}]), "prefix", False),
    ("look-alike outside the alphabet", _set((*DEMO, "lookalike_pairs"), [["0", "O"]]), "lookalike_pairs", False),
    ("confusable reads as a non-symbol", _set((*DEMO, "confusables"), {"O": "U"}), "confusables", False),
    ("default names no format", _set(("default",), "other"), "default", False),
    ("input limit shorter than a key", _set(("normalization", "max_input_length"), 20), "max_input_length", False),
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.parent.name)
def test_the_schema_and_the_checker_accept_the_real_files(document):
    data = json.loads(document.read_text(encoding="utf-8"))
    assert schema_errors(data) == []
    formatspec.check_document(data)
    assert data["$schema"].endswith("formats.schema.json")


@pytest.mark.parametrize("what, change, field, schema_can_tell", BAD, ids=[b[0] for b in BAD])
def test_the_schema_and_the_checker_refuse_the_same_mistakes(what, change, field, schema_can_tell):
    data = real()
    change(data)
    with pytest.raises(formatspec.FormatsError) as error:
        formatspec.check_document(data, "formats.json")
    message = str(error.value)
    assert message.startswith("formats.json: ") and f"field {field!r}" in message and "\n" not in message
    if field in formatspec._FORMAT or field in ("check_algorithm", "lenght", "prefix", "name", "price"):
        assert "format 'demo'" in message
    assert bool(schema_errors(data)) == schema_can_tell


def test_the_checker_refuses_a_bad_file_when_loading_it(tmp_path):
    data = real()
    data["formats"]["demo"]["check_algorithm"] = data["formats"]["demo"].pop("check")
    path = tmp_path / "formats.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(checker.FormatsError, match=r"format 'demo', field 'check_algorithm': unknown field"):
        load_formats(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(checker.FormatsError, match="not valid JSON"):
        load_formats(path)


def _bad_file(tmp_path):
    data = real()
    data["formats"]["demo"]["lenght"] = data["formats"]["demo"].pop("length")
    path = tmp_path / "formats.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _one_line(output, path):
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert "Traceback" not in output and len(output) < 2000, output
    named = [line for line in lines if str(path) in line]
    assert named and "format 'demo', field 'lenght'" in named[0] and "allowed:" in named[0], output


def test_the_command_line_says_what_is_wrong_in_one_line(tmp_path):
    path = _bad_file(tmp_path)
    done = subprocess.run([sys.executable, "-m", "checker", "S6AB1"], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, CHECKER_FORMATS=str(path)), timeout=60)
    assert done.returncode == 3 and done.stdout == ""
    _one_line(done.stderr, path)


def test_make_runtime_stops_before_pyodide(tmp_path):
    path = _bad_file(tmp_path)
    out = tmp_path / "runtime"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_runtime.py"), "--formats", str(path),
                           "--out", str(out), "--node", "/nonexistent/node"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and not out.exists() and not out.with_name("runtime.tmp").exists()
    _one_line(done.stderr, path)


def test_the_site_build_stops_with_one_line(tmp_path):
    path = _bad_file(tmp_path)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, CHECKER_FORMATS=str(path), NO_MKDOCS_2_WARNING="1"))
    assert done.returncode != 0
    _one_line(done.stdout + done.stderr, path)


# --- the shapes real keys have ------------------------------------------------------------------

VENDOR = load_formats(VENDOR_FORMATS)[1]


def test_a_uuid_shaped_key_with_a_crockford_check_symbol():
    fmt = VENDOR["ledger"]
    body = "N3" + "ABCDEFGH" * 3 + "12345"
    key = body + crockford.calc_check_digit(body)
    shown = fmt.display(key)
    assert [len(group) for group in shown.split(".")] == [8, 4, 4, 4, 12]
    result = diagnose(shown.lower(), lang="en", key_format=fmt)
    assert result["valid"] and result["findings"] == [] and result["normalized"] == shown
    assert result["product"] == "ledger" and result["version"] == "3"
    wrong = key[:-1] + ("0" if key[-1] != "0" else "1")
    assert [f["code"] for f in diagnose(wrong, key_format=fmt)["findings"]] == ["checksum"]


@pytest.mark.parametrize("lookalike", [".", "\u3002", "\uff61", "\uff0e"])
def test_the_declared_separator_and_its_lookalikes_are_read(lookalike):
    fmt = VENDOR["ledger"]
    body = "N4" + "0123456789ABCDEFGHJKMNPQRST" + "VW"
    key = body + crockford.calc_check_digit(body)
    typed = fmt.display(key).replace(".", lookalike)
    result = diagnose(typed, lang="en", key_format=fmt)
    assert result["valid"] and result["normalized"] == fmt.display(key)
    assert {f["code"] for f in result["findings"]} <= {"separators", "full-width"}
    assert not any(f["code"] == "invalid-character" for f in result["findings"])


def test_crockford_check_symbols_beyond_the_alphabet():
    fmt = VENDOR["ledger"]
    bodies = ("T1" + "ZZZZ" * 7 + symbol for symbol in fmt.alphabet)
    body = next(b for b in bodies if crockford.calc_check_digit(b) in "*~$=U")
    check = crockford.calc_check_digit(body)
    key = body + check
    assert fmt.validate(fmt.display(key)) == key and fmt.is_complete(key)
    misplaced = "T1" + check + key[3:]
    assert [f["code"] for f in diagnose(misplaced, lang="en", key_format=fmt)["findings"]][0] == "invalid-character"


def test_crockford_agrees_with_arithmetic():
    for number in ("0", "16J", "N3ABCDEF", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"):
        value = 0
        for symbol in number:
            value = value * 32 + crockford.CROCKFORD_BASE32.index(symbol)
        assert crockford.calc_check_digit(number) == crockford.CHECK_SYMBOLS[value % 37]


def test_a_serial_with_a_wrong_luhn_digit_is_not_valid():
    fmt = VENDOR["serial"]
    body = "12345678901234567890123"
    key = body + fmt.calc_check_symbol(body)
    assert diagnose(fmt.display(key), key_format=fmt)["valid"]
    wrong = key[:-1] + str((int(key[-1]) + 1) % 10)
    result = diagnose(fmt.display(wrong), lang="en", key_format=fmt)
    assert not result["valid"] and [f["code"] for f in result["findings"]] == ["checksum"]


def test_a_digit_key_is_not_told_to_compare_letters():
    fmt = VENDOR["serial"]
    body = "12345678901234567890123"
    wrong = fmt.display(body + str((int(fmt.calc_check_symbol(body)) + 1) % 10))
    for lang in ("ja", "en"):
        finding = diagnose(wrong, lang=lang, key_format=fmt)["findings"][0]
        assert finding["code"] == "checksum"
        assert not any(letter in finding["message"] for letter in "DSB")


@pytest.mark.example_format
def test_the_examples_checksum_message_names_its_lookalikes():
    assert "0 and D" in diagnose("S6AB1-CDEF2-GHJK3-MNPQ4-RSTV0", lang="en")["findings"][0]["message"]


def test_verhoeff_format_agrees_with_stdnum():
    fmt = VENDOR["verhoeff"]
    for body in ("12345678901", "00000000000", "98765432109"):
        key = body + stdnum_verhoeff.calc_check_digit(body)
        assert fmt.validate(fmt.display(key)) == key
        assert fmt.calc_check_symbol(body) == key[-1]
        assert not fmt.checksum_ok(body + str((int(key[-1]) + 1) % 10))


def test_iso7064_mod_37_36_is_the_real_one():
    fmt = VENDOR["iso"]
    body = "A12425GABC12340"
    key = body + stdnum_mod_37_36.calc_check_digit(body)
    assert fmt.validate(fmt.display(key)) == key and fmt.display(key).count("/") == 3


def test_a_retail_shaped_key_without_check():
    fmt = VENDOR["retail"]
    assert diagnose("BCDFG-HJKMP-QRTVW-XY234-67892", key_format=fmt)["valid"]
    assert [f["code"] for f in diagnose("BCDFG-HJKMP-QRTVW-XY234-6789A", key_format=fmt)["findings"]] == [
        "invalid-character"]


# --- separators: one stray space is only a space (issue 19, item 5) ----------------------------

@pytest.mark.example_format
@pytest.mark.parametrize("typed", [
    "S6AB1-CD EF2-GHJK3-MNPQ4-RSTVH",  # a space inside a group
    "S6AB1 -CDEF2-GHJK3-MNPQ4-RSTVH",  # a space before a hyphen
    "S6AB1- CDEF2-GHJK3-MNPQ4-RSTVH",  # a space after a hyphen
])
@pytest.mark.parametrize("lang, space", [("en", "space ×1"), ("ja", "空白×1")])
def test_one_stray_space_is_reported_alone(typed, lang, space):
    result = diagnose(typed, lang=lang)
    assert result["valid"]
    (finding,) = result["findings"]
    assert finding["code"] == "separators" and f"({space})" in finding["message"]


@pytest.mark.parametrize("name", sorted(VENDOR))
def test_one_stray_space_is_reported_alone_in_every_format(name):
    fmt = VENDOR[name]
    body = "".join(fmt.alphabet[i % len(fmt.alphabet)] for i in range(fmt.length - 1))
    if fmt.products:
        body = fmt.products[0]["prefix"] + body[len(fmt.products[0]["prefix"]):]
    key = body + (fmt.calc_check_symbol(body) if fmt.check != "none" else fmt.alphabet[0])
    shown = fmt.display(key)
    for where in (1, shown.index(fmt.separator, 1) + 2 if fmt.separator != " " else 2):
        typed = shown[:where] + " " + shown[where:]
        result = diagnose(typed, lang="en", key_format=fmt)
        assert result["valid"], (typed, result)
        removed = [f["message"] for f in result["findings"] if f["code"] == "separators"]
        assert all(m.endswith("(space ×1).") for m in removed), (typed, removed)


def test_every_key_shape_in_the_readme_is_valid_as_written():
    """README's table of key shapes: each example key passes with the fields written next to it."""
    import re

    normalization = real()["normalization"]
    rows = re.findall(r'^\| [^|]+ \| `([^`]+)` \| (`"alphabet".*) \|$', (ROOT / "README.md").read_text(encoding="utf-8"),
                      re.M)
    assert len(rows) >= 6
    for example, fields in rows:
        spec = json.loads("{" + fields.replace("`", "") + "}")
        assert schema_errors({"default": "x", "normalization": normalization, "formats": {"x": spec}}) == []
        assert diagnose(example, key_format=KeyFormat(spec, normalization))["valid"], example


def test_no_page_states_the_key_by_hand():
    """docs/ writes key facts as <!-- key:NAME --> placeholders: no example key, product table or
    list of unused letters typed into a page (they would describe the example to every vendor)."""
    import re

    from checker import keyfacts

    fmt = checker.default_format()
    group = f"[{re.escape(fmt.alphabet)}]"
    two_groups = re.compile(rf"{group}{{{fmt.groups[0]}}}{re.escape(fmt.separator)}{group}{{{fmt.groups[1]}}}")
    stated = [keyfacts.facts(fmt, lang)[name] for lang in ("ja", "en")
              for name in ("unused_letters", "unused_letters_or", "product_list", "product_names", "example_group")]
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert not two_groups.search(text), f"{page.name}: {two_groups.search(text).group(0)!r}"
        for product in fmt.products:
            assert f"| {product['prefix']} |" not in text, f"{page.name}: product table row {product['prefix']}"
        for fact in stated:
            assert fact not in text, f"{page.name} states {fact!r} by hand: use its <!-- key:… --> placeholder"
