"""python-stdnum as a test-only oracle for the check algorithms, and the data-driven
format switch (Luhn mod N, ISO 7064 MOD 37,36, none) exercised end to end."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn as stdnum_luhn
from stdnum.iso7064 import mod_37_36 as stdnum_mod_37_36

import checker
from checker import iso7064, luhn
from checker.diagnosis import diagnose
from checker.keyformat import KeyFormat

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORACLE = settings(max_examples=300, deadline=None)


@st.composite
def alphabet_and_number(draw):
    alphabet = "".join(draw(st.lists(st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=2, max_size=40, unique=True)))
    number = draw(st.text(st.sampled_from(alphabet), min_size=1, max_size=40))
    return alphabet, number


@ORACLE
@given(alphabet_and_number())
def test_luhn_mod_n_agrees_with_stdnum_on_any_alphabet(case):
    alphabet, number = case
    assert luhn.checksum(number, alphabet) == stdnum_luhn.checksum(number, alphabet=alphabet)
    assert luhn.calc_check_digit(number, alphabet) == stdnum_luhn.calc_check_digit(number, alphabet=alphabet)
    assert luhn.is_valid(number, alphabet) == stdnum_luhn.is_valid(number, alphabet=alphabet)


@ORACLE
@given(st.text(st.sampled_from(CROCKFORD), min_size=1, max_size=30))
def test_luhn_mod_32_agrees_with_stdnum(number):
    check = stdnum_luhn.calc_check_digit(number, alphabet=CROCKFORD)
    assert luhn.calc_check_digit(number, CROCKFORD) == check
    assert luhn.is_valid(number + check, CROCKFORD)
    assert luhn.checksum(number, CROCKFORD) == stdnum_luhn.checksum(number, alphabet=CROCKFORD)


@ORACLE
@given(st.text(st.sampled_from("0123456789"), min_size=1, max_size=30))
def test_decimal_luhn_agrees_with_stdnum(number):
    assert luhn.calc_check_digit(number) == stdnum_luhn.calc_check_digit(number)
    assert luhn.is_valid(number) == stdnum_luhn.is_valid(number)


@ORACLE
@given(st.text(st.sampled_from(ALNUM), min_size=1, max_size=40))
def test_iso7064_mod_37_36_agrees_with_stdnum(number):
    assert iso7064.checksum(number) == stdnum_mod_37_36.checksum(number)
    assert iso7064.calc_check_digit(number) == stdnum_mod_37_36.calc_check_digit(number)
    assert iso7064.is_valid(number) == stdnum_mod_37_36.is_valid(number)
    assert iso7064.is_valid(number + stdnum_mod_37_36.calc_check_digit(number))


@ORACLE
@given(st.text(st.sampled_from("0123456789"), min_size=1, max_size=20))
def test_iso7064_other_alphabets_agree_with_stdnum(number):  # MOD 11,10
    assert iso7064.calc_check_digit(number, "0123456789") == stdnum_mod_37_36.calc_check_digit(number, alphabet="0123456789")


@pytest.mark.parametrize("module", [luhn, iso7064])
@pytest.mark.parametrize("junk", ["", "ab*", "\ud800", None, 12])
def test_algorithms_reject_junk(module, junk):
    assert module.is_valid(junk) is False
    with pytest.raises(checker.ValidationError):
        module.validate(junk)


# --- the format is data: another check algorithm needs no code -----------------------------

NORMALIZATION = {"max_input_length": 256, "dash_characters": ["U+002D"], "invisible_characters": ["U+200B"]}


def iso_format(**changes):
    spec = {
        "alphabet": ALNUM,
        "case_sensitive": False,
        "length": 16,
        "group_size": 4,
        "group_separator": "-",
        "check": "iso7064-mod-37-36",
        "confusables": {},
        "lookalike_pairs": [["0", "O"], ["1", "I"]],
        "products": [{"prefix": "T1", "product": "tool", "version": "1", "name": {"ja": "ツール 1", "en": "Tool 1"}}],
    }
    spec.update(changes)
    return KeyFormat(spec, NORMALIZATION)


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from(ALNUM), min_size=13, max_size=13), st.integers(2, 15))
def test_iso7064_format_end_to_end(body, position):
    fmt = iso_format()
    key = "T1" + body + stdnum_mod_37_36.calc_check_digit("T1" + body)
    assert fmt.validate(fmt.display(key).lower()) == key
    result = diagnose(fmt.display(key), lang="en", key_format=fmt)
    assert result["valid"] and result["product"] == "tool" and result["normalized"] == fmt.display(key)
    wrong = key[:position] + ("A" if key[position] != "A" else "B") + key[position + 1 :]
    with pytest.raises(checker.InvalidChecksum):
        fmt.validate(wrong)
    assert [f["code"] for f in diagnose(wrong, key_format=fmt)["findings"]] == ["checksum"]


def test_format_without_check_symbol():
    fmt = iso_format(check="none", products=[])
    assert fmt.validate("abcd-efgh-ijkl-mnop") == "ABCDEFGHIJKLMNOP"
    assert diagnose("ABCDEFGHIJKLMNOZ", key_format=fmt)["valid"] is True


def test_case_sensitive_format():
    fmt = iso_format(check="none", products=[], case_sensitive=True)
    with pytest.raises(checker.InvalidFormat):
        fmt.validate("abcdefghijklmnop")


@pytest.mark.parametrize(
    "changes",
    [
        {"check": "crc32"},
        {"alphabet": "00123"},
        {"confusables": {"O": "0"}},  # O is a key symbol in this alphabet
        {"confusables": {"@": "#"}},  # replacement outside the alphabet
        {"products": [{"prefix": "T", "product": "a", "version": "1", "name": {}},
                      {"prefix": "TT", "product": "b", "version": "1", "name": {}}]},
        {"lookalike_pairs": [["0", "*"]]},
    ],
)
def test_inconsistent_formats_are_refused(changes):
    with pytest.raises(ValueError):
        iso_format(**changes)
