"""The prose lint (make lint): today's pages pass it (what it finds: tests/test_writers_loop.py)."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import prose_lint  # noqa: E402


def test_the_pages_pass_the_prose_lint():
    found = prose_lint.findings()
    if found:
        pytest.fail("prose lint (make lint):\n" + "\n".join(found), pytrace=False)


def test_plain_markdown_keeps_every_line():
    page = ('---\ndescription: 説明です。\ntranslation:\n  source: faq.md\n  hash: 0123456789ab\n---\n\n'
            '# 見出し {#faq}\n\n!!! tip "題名"\n\n    本文です。\n\n{{ product.name }} を使います。\n')
    plain = prose_lint.plain_markdown(page)
    lines = plain.split("\n")
    assert len(lines) == len(page.split("\n"))
    assert lines[1] == "説明です。" and lines[2:5] == ["", "", ""]
    assert lines[7] == "# 見出し"
    assert lines[9] == "#### 題名" and lines[11] == "本文です。"  # an admonition's body is prose, not code
    assert lines[13] == "X を使います。"
