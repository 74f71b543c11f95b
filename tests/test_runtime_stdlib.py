"""The trimmed, stripped stdlib zip the site ships (tools/build_runtime.py).

Whether the checker runs on it, and its rare paths too, is tested under Pyodide in
tests/test_checker_pyodide.py; here: the stripping itself and the shipped file.
"""

import json
import traceback
import zipfile

import pytest

import build_runtime  # tools/ is on sys.path (conftest.py)
from conftest import ROOT

RUNTIME = ROOT / "build" / "runtime"

SOURCE = '''#!/usr/bin/env python3
"""A module docstring
on two lines."""

import os  # an inline comment

# a comment line
HASH = "# not a comment"


class OnlyADocstring:
    """Nothing else in the body."""


def fails(x):
    """Docstring.

    More.
    """
    if x:  # why
        raise ValueError(HASH)
    return x
'''


def run_and_fail(source):
    namespace = {}
    exec(compile(source, "probe.py", "exec"), namespace)
    assert namespace["OnlyADocstring"]
    try:
        namespace["fails"](1)
    except ValueError as error:
        return str(error), traceback.extract_tb(error.__traceback__)[-1].lineno


def test_stripping_removes_docstrings_and_comments_and_keeps_every_line():
    stripped = build_runtime.strip_source(SOURCE.encode()).decode()
    for gone in ("A module docstring", "Nothing else", "More.", "an inline comment", "a comment line", "why"):
        assert gone not in stripped
    assert stripped.count("\n") == SOURCE.count("\n")
    assert '"# not a comment"' in stripped  # a hash inside a string is not a comment
    # Same behaviour, and a traceback names the same line.
    assert run_and_fail(stripped) == run_and_fail(SOURCE) == ("# not a comment", 21)


def test_stripping_keeps_source_it_cannot_parse():
    newer = b"try:\n    pass\nexcept A, B:\n    pass\n"  # Python 3.14 syntax; the build may run 3.12
    try:
        compile(newer, "x", "exec")
    except SyntaxError:
        assert build_runtime.strip_source(newer) == newer
    else:
        pytest.skip("this Python parses 3.14's unparenthesized except")


@pytest.fixture(scope="module")
def shipped():
    path = RUNTIME / "pyodide" / "python_stdlib.zip"
    if not path.exists():
        pytest.fail("build/runtime/ is missing: run `make runtime` (make test does).", pytrace=False)
    return zipfile.ZipFile(path)


def test_the_shipped_stdlib_is_a_stripped_subset_of_pyodides(shipped):
    full = zipfile.ZipFile(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip")
    assert set(shipped.namelist()) < set(full.namelist())
    original, stripped = full.read("traceback.py").decode(), shipped.read("traceback.py").decode()
    assert stripped.count("\n") == original.count("\n")
    assert len(stripped) < 0.8 * len(original)
    assert not [line for line in stripped.splitlines() if line.lstrip().startswith("#")]


def test_the_manifest_records_the_stdlib(shipped):
    manifest = json.loads((RUNTIME / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stdlib"]["file"] == "python_stdlib.zip"
    assert manifest["stdlib"]["entries"] == len(shipped.namelist())
    assert manifest["stdlib"]["bytes"] < manifest["stdlib"]["full_bytes"] / 3
