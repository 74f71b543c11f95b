"""The command line: python -m checker [KEY | -] [--json] [--lang ja|en] [--expect P/V]."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# The example vendor's keys and vectors (conftest.py skips them for another key format).
pytestmark = pytest.mark.example_format

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


# Issue 11, defect 12: bytes that are not UTF-8 are an input problem, said as one.
@pytest.mark.parametrize("lang, words", [("ja_JP.UTF-8", "UTF-8 のテキストとして読めません"), ("C.UTF-8", "cannot be read as UTF-8 text")])
@pytest.mark.parametrize("args", [["-"], ["S6AB1\udcff"]], ids=["stdin", "argument"])
def test_undecodable_input_is_named_as_such(lang, words, args):
    key = [os.fsencode(a) for a in args]
    result = run(*key, stdin=b"S6AB1\xff\xfe-CDEF2", lang=lang)
    assert result.returncode == 2
    message = result.stderr.decode("utf-8")
    assert words in message and "0xFF" in message, message
    assert "Traceback" not in message and "U+DC" not in message and result.stdout == b""


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_utf16_and_utf8_with_a_byte_order_mark_are_read(encoding):
    data = f"{VALID}\r\n".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    result = run("-", "--json", stdin=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(out(result))["findings"] == []


# Issue 11, defect 5: standard input is read up to a bound, and "too long" is said.
@pytest.mark.parametrize("lang, words", [("ja_JP.UTF-8", "入力が長すぎる"), ("C.UTF-8", "too long")])
@pytest.mark.parametrize("source", ["zero", "yes"])
def test_endless_stdin_is_too_long_not_a_crash(lang, words, source):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG=lang, PYTHONIOENCODING="utf-8")
    producer = ["cat", "/dev/zero"] if source == "zero" else ["yes", VALID]
    with subprocess.Popen(producer, stdout=subprocess.PIPE) as feed:
        result = subprocess.run([sys.executable, "-m", "checker"], cwd=ROOT, env=env, stdin=feed.stdout,
                                capture_output=True, timeout=60)
        feed.kill()
    assert result.returncode == 1, result.stderr
    message = result.stderr.decode("utf-8")
    assert words in message and "Traceback" not in message and "MemoryError" not in message, message


def test_the_longest_checkable_input_is_still_checked():
    from checker.__main__ import MAX_INPUT_BYTES

    result = run("-", "--json", stdin=b" " * (MAX_INPUT_BYTES - 1) + b"\n")
    assert result.returncode == 1 and json.loads(out(result))["findings"][0]["code"] == "too-long-input"
    assert run("-", stdin=b" " * (MAX_INPUT_BYTES + 1)).stderr.decode().count("too long") == 1


# Issue 19, defect 6: --json answers input too long with a diagnosis, like any other problem.
@pytest.mark.parametrize("lang, words", [("ja", "文字以上"), ("en", "at least")])
@pytest.mark.parametrize("source", ["ascii", "zero", "utf-16", "not-utf-8"])
def test_json_gives_a_diagnosis_for_input_too_long(lang, words, source):
    from checker import default_format
    from checker.__main__ import MAX_INPUT_BYTES

    data = {"ascii": VALID.encode() * 100, "zero": bytes(MAX_INPUT_BYTES * 3),
            "utf-16": VALID.encode("utf-16") * 50, "not-utf-8": b"\xff" * (MAX_INPUT_BYTES + 1)}[source]
    result = run("-", "--json", "--lang", lang, stdin=data)
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    diagnosis = json.loads(out(result))
    assert set(diagnosis) == {"valid", "normalized", "product", "version", "findings"}
    assert diagnosis["valid"] is False and diagnosis["normalized"] is None
    [finding] = diagnosis["findings"]
    assert finding["code"] == "too-long-input" and finding["severity"] == "error"
    assert finding["help"] == "entering-keys/#copy-and-paste"
    assert words in finding["message"], finding["message"]
    count = int(re.findall(r"\d+", finding["message"])[0])  # the first number: the characters read
    assert default_format().max_input_length < count <= len(data), finding["message"]


# Issue 11, defect 5: an internal error has its own exit status, documented.
@pytest.mark.parametrize("lang, words", [("ja_JP.UTF-8", "内部エラー"), ("C.UTF-8", "internal error")])
def test_an_internal_error_exits_3_and_says_so(lang, words):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG=lang, PYTHONIOENCODING="utf-8")
    with open("/dev/full", "wb") as full:  # every write fails: the run cannot finish
        result = subprocess.run([sys.executable, "-m", "checker", VALID], cwd=ROOT, env=env, stdout=full,
                                stderr=subprocess.PIPE, timeout=60)
    assert result.returncode == 3
    message = result.stderr.decode("utf-8")
    assert words in message and "Traceback" not in message and VALID not in message, message


@pytest.mark.parametrize("lang, words", [("ja_JP.UTF-8", "3 内部エラー"), ("C.UTF-8", "3 internal error")])
def test_help_documents_every_exit_status(lang, words):
    result = run("--help", lang=lang)
    assert result.returncode == 0 and words in out(result)
    assert "exit status" in (ROOT / "README.md").read_text(encoding="utf-8").lower()


# Issue 11, defect 12: usage and argparse's own errors follow the chosen language.
@pytest.mark.parametrize("args", [["--bogus"], ["--lang", "fr"], ["--expect"], ["--json=1"], ["a", "b"]])
def test_usage_errors_follow_the_language(args):
    ja = run(*args, lang="ja_JP.UTF-8").stderr.decode("utf-8")
    assert "使い方:" in ja and "エラー:" in ja and "usage:" not in ja and "error:" not in ja, ja
    assert not [w for w in ("unrecognized", "invalid choice", "expected one", "ignored explicit") if w in ja], ja
    en = run(*args, "--lang", "en", lang="ja_JP.UTF-8").stderr.decode("utf-8")
    assert "usage:" in en and "error:" in en and "使い方" not in en, en


def test_help_follows_the_language():
    ja = out(run("--help", "--lang", "ja"))
    assert ja.startswith("使い方:") and "オプション:" in ja and "show this help" not in ja, ja
    en = out(run("--lang", "en", "--help", lang="ja_JP.UTF-8"))
    assert en.startswith("usage:") and "options:" in en and "オプション" not in en, en


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
