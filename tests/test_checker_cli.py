"""The command line: python -m checker [KEY | -] [--json] [--lang ja|en] [--expect P/V]."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VALID = "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"  # check symbol from stdnum.luhn, see test_checker_oracle
LOOKALIKE = "S6A81-CDEF2-GHJK3-MNPQ4-RSTVH"  # B typed as 8


def run(*args, stdin=None, lang="C.UTF-8"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG=lang, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=60,
    )


def out(result):
    return result.stdout.decode("utf-8")


def test_valid_key_exits_0():
    result = run(VALID, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "The key is valid." in out(result) and "Studio 6" in out(result)


def test_invalid_key_exits_1_with_suggestion():
    result = run(LOOKALIKE, "--lang", "en")
    assert result.returncode == 1
    text = out(result)
    assert "The key has a problem." in text
    assert f"Suggestion: {VALID}" in text
    assert "entering-keys/#typing-mistakes" in text


def test_json_output():
    result = run(LOOKALIKE, "--json", "--lang", "ja")
    assert result.returncode == 1
    data = json.loads(out(result))
    assert data["valid"] is False and data["normalized"] == LOOKALIKE
    assert data["findings"][0]["code"] == "checksum"
    assert VALID in data["findings"][0]["suggestions"]
    assert "キー" in data["findings"][0]["message"]


@pytest.mark.parametrize("args", [["-"], []], ids=["dash", "no-key"])
def test_key_from_stdin(args):
    result = run(*args, "--json", stdin=f"{VALID}\n".encode())
    assert result.returncode == 0, result.stderr
    data = json.loads(out(result))
    # The newline that ends the input line is not reported as a separator.
    assert data["valid"] is True and data["findings"] == []


def test_stdin_keeps_what_is_inside_the_key():
    result = run("-", "--json", stdin=f" {VALID}\u200b\r\n".encode())
    assert result.returncode == 0
    assert [f["code"] for f in json.loads(out(result))["findings"]] == ["separators", "invisible"]


def test_undecodable_stdin_is_an_invalid_key_not_a_crash():
    result = run("-", "--json", stdin=b"S6AB1\xff\xfe")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    codes = [f["code"] for f in json.loads(out(result))["findings"]]
    assert codes[:2] == ["invalid-character", "invalid-character"]


def test_empty_stdin():
    result = run("-", "--lang", "en", stdin=b"")
    assert result.returncode == 1
    assert "No key was entered" in out(result)


@pytest.mark.parametrize(
    "lang, expected, other",
    [("ja_JP.UTF-8", "有効なキーです", "The key is valid"), ("en_US.UTF-8", "The key is valid", "有効"),
     ("C.UTF-8", "The key is valid", "有効"), ("", "The key is valid", "有効")],
)
def test_default_language_comes_from_LANG(lang, expected, other):
    result = run(VALID, lang=lang)
    assert result.returncode == 0
    assert expected in out(result) and other not in out(result)


def test_lang_option_beats_LANG():
    result = run(VALID, "--lang", "en", lang="ja_JP.UTF-8")
    assert "The key is valid" in out(result)


def test_expect_mismatch_exits_1():
    result = run(VALID, "--expect", "pro/6", "--json")
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(out(result))["findings"]] == ["version-mismatch"]


def test_expect_match_exits_0():
    assert run(VALID, "--expect", "studio/6").returncode == 0


@pytest.mark.parametrize(
    "args",
    [["--expect", "studio/9", VALID], ["--lang", "fr", VALID], [VALID, "extra"], ["--bogus"], ["--expect"]],
    ids=["unknown-expect", "unknown-lang", "two-keys", "unknown-option", "missing-value"],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert b"usage:" in result.stderr and b"Traceback" not in result.stderr


def test_unknown_expect_lists_the_known_ones():
    result = run("--expect", "studio/9", VALID, "--lang", "en")
    assert b"studio/5, studio/6, pro/6" in result.stderr
