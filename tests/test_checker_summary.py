"""checker.support_summary: what a reader copies for support says nothing about the hidden middle.

Issue 11: the summary leaked the middle of the key through its findings (defect 1) and
showed a wrong masked key when the key could not be read (defect 7). The rule lives in
the checker (checker/summary.py); tests/vectors/compare.py applies the same checks to
every vector, under CPython and inside Pyodide.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker

# The example vendor's keys and vectors (conftest.py skips them for another key format).
pytestmark = pytest.mark.example_format

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LANGS = ("ja", "en")
HIDDEN = range(5, 20)  # the symbols between the first and the last group
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text_of(entries):
    """Every label and value of the summary's entries, one a line."""
    lines = []
    for label, value in entries:
        lines += [label, *(value if isinstance(value, list) else [value])]
    return "\n".join(lines)


def without_key_line(entries):
    return text_of(entries[1:]) + entries[0][0]


def runs_of_three(symbols):
    return {symbols[i : i + 3] for i in range(len(symbols) - 2)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed, hidden", [
    # Nine look-alikes, all but two in the middle: positions and characters used to be listed.
    ("P6XYO-ZIQOW-IXOYI-ZOABI-COD17", "ZIQOWIXOYIZOABI"),
    # Full-width second group: "Ｃ→C, Ｄ→D, …" used to name it whole.
    ("S6AB1-ＣＤＥＦ２-GHJK3-MNPQ4-RSTVH", "ＣＤＥＦ２"),
    # A character no key uses in the middle: "“U” at position 15".
    ("S6AB1-CDEF2-GHJKU-MNPQ4-RSTVH", "CDEF2GHJKUMNPQ4"),
])
def test_findings_name_no_hidden_character_or_position(lang, typed, hidden):
    entries = checker.support_summary(typed, lang=lang)
    assert entries[0][1] == "-".join([typed[:5].replace("O", "0"), "•••••", "•••••", "•••••", typed[-5:].replace("O", "0")])
    rest = without_key_line(entries)
    for char in set(hidden) - set(ALPHABET):
        assert char not in text_of(entries), char
    for run in runs_of_three(hidden.replace("O", "0").replace("I", "1")):
        assert run not in rest, run
    assert not re.search(r"\d", rest.replace("×9", "").replace("×5", "").replace("×1", "")), rest
    assert checker.diagnose(typed, lang=lang)["findings"], "the key must have findings for this test to mean anything"


@pytest.mark.parametrize("lang", LANGS)
def test_findings_are_counted_by_kind(lang):
    entries = checker.support_summary("P6XYO-ZIQOW-IXOYI-ZOABI-COD17", lang=lang)
    title = checker.message_catalog()["findings"]["confusable"]["title"][lang]
    assert entries[2][1] == [checker.message_catalog()["summary"]["finding_counted"][lang].format(
        title=title, code="confusable", count=9)]


@pytest.mark.parametrize("typed, masked", [
    ("S6AB1-CDEF2-GHJK3-MNPQ4-RSTVß", "S6AB1-•••••-•••••-•••••-RSTV?"),  # ß is not "SS"
    ("S6AB1CDEF2GH!K3MNPQ4RSTVH", "S6AB1-•••••-•••••-•••••-RSTVH"),  # "!" keeps its place
    ("Key: S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH", "KEY?S-•••••-•••••-•••••…-RSTVH"),  # 29 read, more hidden
    ("s6ab1 cdef2 ghjk3 mnpq4 rstvh", "S6AB1-•••••-•••••-•••••-RSTVH"),
    ("CDEF2-GHJK3-MNPQ4", "•••••-•••••-•••••"),  # shorter than a key: maybe its middle, all hidden
    ("", ""),
])
def test_the_masked_key_is_what_the_checker_read(typed, masked):
    assert checker.masked_key(typed) == masked


@pytest.mark.parametrize("lang", LANGS)
def test_the_key_line_is_bounded_whatever_the_paste(lang):
    limit = checker.default_format().max_input_length
    not_shown = checker.message_catalog()["summary"]["not_shown"][lang]
    for paste in ("S6AB1-" * 40, "S" * limit, "S" * (limit + 1), "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH" * 1000):
        key_line = checker.support_summary(paste, lang=lang)[0][1]
        assert len(key_line) <= max(len("S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH…"), len(not_shown)), key_line
    too_long = checker.support_summary("S" * (limit + 1), lang=lang)
    assert too_long[0][1] == checker.message_catalog()["summary"]["not_shown"][lang]


@pytest.mark.parametrize("lang", LANGS)
def test_entries_are_json_ready_and_in_the_language(lang):
    entries = checker.support_summary("S6ABO-CDEF2-GHJK3-MNPQ4-RSTVQ", lang=lang, expect="pro/6")
    assert json.loads(json.dumps(entries)) == entries
    labels = checker.message_catalog()["summary"]
    assert [e[0] for e in entries] == [labels[k][lang] for k in ("key", "verdict", "findings")]
    assert entries[1][1] == labels["invalid"][lang]
    codes = [f["code"] for f in checker.diagnose("S6ABO-CDEF2-GHJK3-MNPQ4-RSTVQ", lang=lang, expect="pro/6")["findings"]]
    assert [re.search(r"[(（]([a-z-]+)[)）]", item).group(1) for item in entries[2][1]] == codes


@pytest.mark.parametrize("junk", [None, 0, b"S6", ["S6"]])
def test_a_non_str_is_a_type_error(junk):
    with pytest.raises(TypeError):
        checker.support_summary(junk)
    with pytest.raises(TypeError):
        checker.masked_key(junk)


# --- the property: for any key and any findings -------------------------------------------

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in ALPHABET}
LOOKALIKE = {"0": "O", "1": "I"}
UNREADABLE = ["!", "ß", "U", "\x00", "\u0301", "\ud800", "😀", "€", "ı"]
INSERTED = ["", "", "", " ", "\u200b", "\u202e", "ー", "-", "\t"]


@st.composite
def typed_keys(draw):
    """A 25-symbol key and the way a reader typed it: every kind of finding, anywhere."""
    symbols = draw(st.lists(st.sampled_from(ALPHABET), min_size=25, max_size=25))
    if draw(st.booleans()):
        symbols[:2] = draw(st.sampled_from(["S5", "S6", "P6"]))
    typed, secret = [], []
    for symbol in symbols:
        how = draw(st.sampled_from(["as is", "lower", "full-width", "look-alike", "unreadable"]))
        if how == "lower":
            char = symbol.lower()
        elif how == "full-width":
            char = FULL_WIDTH[symbol]
        elif how == "look-alike" and symbol in LOOKALIKE:
            char = LOOKALIKE[symbol]
        elif how == "unreadable":
            char = draw(st.sampled_from(UNREADABLE))
        else:
            char = symbol
        typed.append(draw(st.sampled_from(INSERTED)) + char)
        secret.append(char)
    if draw(st.booleans()):  # the usual hyphens
        typed = ["".join(typed[i : i + 5]) for i in range(0, 25, 5)]
        return "-".join(typed), symbols, secret
    return "".join(typed), symbols, secret


@FAST
@given(typed_keys(), st.sampled_from(LANGS), st.sampled_from([None, "studio/5", "studio/6", "pro/6"]))
def test_no_summary_holds_a_hidden_character(key, lang, expect):
    typed, symbols, secret = key
    entries = checker.support_summary(typed, lang=lang, expect=expect)
    key_line = entries[0][1]
    # None of the hidden characters at their positions: the key line hides all 15.
    assert len(key_line) == 29, key_line
    for position in HIDDEN:
        assert key_line[position + position // 5] == "•", (typed, key_line)
    # No run of 3 hidden symbols anywhere else, and no hidden character as typed.
    hidden = "".join(symbols[i] for i in HIDDEN)
    rest = without_key_line(entries)
    for run in runs_of_three(hidden):
        assert run not in rest, (run, rest)
    for char in {secret[i] for i in HIDDEN}:
        if not (char.isascii() and char.isalnum()):
            assert char not in text_of(entries), (char, entries)
