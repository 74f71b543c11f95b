"""The prose lint (make lint): today's pages pass it, and it sees what it should."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import prose_lint  # noqa: E402


def test_the_pages_pass_the_prose_lint():
    found = prose_lint.findings()
    assert not found, "prose lint (make lint):\n" + "\n".join(found)


def test_plain_markdown_keeps_every_line():
    page = ('---\ndescription: 説明です。\ntranslation:\n  source: faq.md\n  hash: 0123456789ab\n---\n\n'
            '# 見出し {#faq}\n\n!!! tip "題名"\n\n    本文です。\n\n{{ product.name }} を使います。\n')
    plain = prose_lint.plain_markdown(page, "ja")
    lines = plain.split("\n")
    assert len(lines) == len(page.split("\n"))
    assert lines[1] == "説明です。" and lines[2:5] == ["", "", ""]
    assert lines[7] == "# 見出し"
    assert lines[9] == "題名" and lines[11] == "本文です。"  # an admonition's body is prose, not code
    assert lines[13] == "製品 を使います。"


@pytest.mark.parametrize("name, text, rule", [
    ("page.md", "# 題 {#t}\n\nこれはペンである。これはペンです。\n", "no-mix-dearu-desumasu"),
    ("page.md", "# 題 {#t}\n\nプロダクトキーを入力します。\n", "prh"),
    ("page.en.md", "# Title {#t}\n\nType your product key.\n", "terminology"),
    ("page.en.md", "# Title {#t}\n\nThis is a very good key.\n", "write-good"),
])
def test_a_finding_is_one_line_naming_file_line_and_rule(tmp_path, name, text, rule):
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    found = prose_lint.findings([page])
    assert len(found) == 1, found
    assert found[0].startswith(f"{page}:3: {rule}: "), found
    assert "\n" not in found[0]


def test_placeholders_and_markers_are_not_prose(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# 題 {#t}\n\n<!-- key-checker -->\n\n{{ vendor.product }} のライセンスキーを入力します。\n",
                    encoding="utf-8")
    assert prose_lint.findings([page]) == []
