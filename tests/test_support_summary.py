"""The shared support summary (docs/assets/javascripts/support-summary.js), run under Node.

Every page that lets a reader copy a summary for support builds it with this module, so
its limits and its cleaning are the summary's contract.
"""

import json
import subprocess

import pytest

from conftest import ROOT

MODULE = ROOT / "docs" / "assets" / "javascripts" / "support-summary.js"


def summarize(title, entries):
    script = (
        f"import {{ supportSummary }} from {json.dumps(MODULE.as_uri())};"
        "let input = '';"
        "process.stdin.on('data', (c) => { input += c; });"
        "process.stdin.on('end', () => {"
        "  const [title, entries] = JSON.parse(input);"
        "  process.stdout.write(JSON.stringify(supportSummary(title, entries)));"
        "});"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps([title, entries]),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_shape_title_pairs_and_lists():
    text = summarize("Result", [["Verdict", "ok"], ["Findings", ["one", "two"]], "plain line"])
    assert text.split("\n") == ["Result", "Verdict: ok", "Findings:", "- one", "- two", "plain line"]


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u0000", "\ufeff", "\u2028", "\n", "\r"])
def test_hidden_characters_cannot_hide_or_break_lines(hidden):
    text = summarize("T", [["Code", f"NET-{hidden}001"], f"a{hidden}b"])
    lines = text.split("\n")
    assert lines == ["T", "Code: NET- 001", "a b"]
    assert not any(hidden in line for line in lines)


def test_every_line_and_the_whole_summary_are_bounded():
    huge = "A" * 1_000_000
    text = summarize(huge, [["k", huge]] * 500)
    lines = text.split("\n")
    assert len(text) <= 6000
    assert len(lines) <= 60
    assert all(len(line) <= 300 for line in lines)
    assert lines[0].endswith("…")


def test_cuts_never_split_a_character():
    emoji = "🔑" * 400  # each is two UTF-16 units
    line = summarize(emoji, [])
    assert line == "🔑" * 299 + "…"
