"""checker.web: what the browser widget's worker calls (one JSON string per check)."""

import json

import pytest

import checker
from checker.web import check_json, corrected_positions

# The example vendor's keys and vectors (conftest.py skips them for another key format).
pytestmark = pytest.mark.example_format

KEY = "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"


def checked(text, **options):
    return json.loads(check_json(text, **options))


@pytest.mark.parametrize("text", [KEY, "s6ab1 cdef2 ghjk3 mnpq4 rstvh", "S6ABO-CDEF2", "", "🔑" * 40, "\x00\ud800"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_result_is_diagnose_plus_corrected_and_summary(text, lang):
    result = checked(text, lang=lang)
    corrected = result.pop("corrected")
    summary = result.pop("summary")
    assert result.pop("separator") == checker.default_format().separator
    assert result == checker.diagnose(text, lang=lang)
    assert all(isinstance(i, int) for i in corrected)
    assert summary == checker.support_summary(text, lang=lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_paste_handed_over_in_part_is_judged_by_its_whole_length(lang):
    # Issue 11, defect 11: the widget sends at most what the checker can judge, plus the length.
    limit = checker.default_format().max_input_length
    result = checked("A" * (limit + 1), lang=lang, length=50_000_000)
    assert [f["code"] for f in result["findings"]] == ["too-long-input"]
    assert "50000000" in result["findings"][0]["message"]
    assert result["summary"][0][1] == checker.message_catalog()["summary"]["not_shown"][lang]
    assert checked(KEY, lang=lang, length=len(KEY))["valid"]


def test_expect_is_passed_on_and_empty_means_any():
    assert checked(KEY, expect="pro/6")["findings"][0]["code"] == "version-mismatch"
    assert checked(KEY, expect="")["findings"] == []
    assert checked(KEY, expect=None)["findings"] == []


@pytest.mark.parametrize("text, positions", [
    (KEY, []),
    (KEY.lower(), []),  # lower case is read as upper case: nothing to mark
    ("S6ABI-CDEF2-GHJK3-MNPQ4-RSTVH", [4]),  # I read as 1
    ("S6AB1-\uff23DEF2-GHJK3-MNPQ4-RSTVH", [5]),  # full-width C
    ("S6ABI-\uff23DEF2-GHJK3-MNPQ4-RSTVH", [4, 5]),
    ("  S6AB1 CDEF2\u200b GHJK3 MNPQ4 RSTVO ", [24]),  # spaces and a zero-width space are not symbols
])
def test_corrected_positions_mark_what_the_checker_changed(text, positions):
    assert checked(text)["corrected"] == positions


def test_corrected_positions_without_a_key_are_empty():
    assert corrected_positions("???", checker.diagnose("???")) == []
