"""A third language: the build either has everything it needs or says, in one message, what is missing.

Korean used to crash the build (KeyError 'separator' in search_per_language.py: Material's
ko.html gives none) and Chinese built a site whose search found nothing (no word
segmentation). Now overrides/hooks/languages.py refuses both before anything is built, naming
each missing piece; a language without a separator in Material's file gets Material's default.
"""

import importlib.util
import os
import subprocess
import sys
import types

import material
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import languages  # noqa: E402
import search_per_language  # noqa: E402

THEME_DIRS = [os.path.join(os.path.dirname(material.__file__), "templates")]


def test_the_sites_languages_are_complete():
    assert languages.missing_for("ja", THEME_DIRS) == [] and languages.missing_for("en", THEME_DIRS, default="ja") == []


def test_chinese_is_refused_for_its_search():
    assert any("word segmentation" in m for m in languages.missing_for("zh", THEME_DIRS))


def test_a_language_file_without_a_separator_gets_materials_default():
    config = types.SimpleNamespace(theme=types.SimpleNamespace(dirs=THEME_DIRS))
    korean = search_per_language.material_search_defaults(config, "ko")
    assert korean["separator"] == r"[\s\-]+" and korean["lang"] == ["ko"] and "" not in korean["pipeline"]
    assert search_per_language.material_search_defaults(config, "en")["pipeline"] == ["stopWordFilter"]


@pytest.mark.parametrize("locale, name, expected", [
    ("ko", "한국어", ["ko:", "page(s) in docs/", "catalog/key-checker.yml", "key_facts"]),
    ("zh", "中文", ["zh:", "word segmentation"]),
])
def test_the_build_refuses_an_incomplete_language_in_one_line(locale, name, expected, tmp_path):
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "        - locale: en\n"
    assert marker in text
    config = ROOT / f".mkdocs-{locale}-test.yml"  # beside mkdocs.yml: its relative paths hold
    config.write_text(text.replace(marker, f"        - locale: {locale}\n          name: {name}\n"
                                          f"          build: true\n" + marker), encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config),
                               "-d", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    finally:
        config.unlink()
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output and "KeyError" not in output, output
    line = next(line for line in output.splitlines() if "languages:" in line)
    assert all(part in line for part in expected), line
