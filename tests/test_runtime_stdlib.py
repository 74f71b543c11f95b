"""The trimmed, compiled stdlib zip the site ships (tools/build_runtime.py, compile_stdlib.mjs).

Whether the checker runs on it, and its rare paths too, is tested under Pyodide in
tests/test_checker_pyodide.py; here: the stripping itself, the shipped file, and the
zstd copies the browser downloads.
"""

import hashlib
import json
import subprocess
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


def test_the_shipped_stdlib_is_bytecode_for_a_subset_of_pyodides(shipped):
    full = set(zipfile.ZipFile(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip").namelist())
    names = shipped.namelist()
    assert {name[:-1] if name.endswith(".pyc") else name for name in names} < full
    assert not [name for name in names if name.endswith(".py")], "source left uncompiled"
    headers = {shipped.read(name)[:16] for name in names if name.endswith(".pyc")}
    # One Python's magic number; PEP 552 flags 0b01: hash-based, not checked against a source.
    assert len({header[:4] for header in headers}) == 1
    assert {header[4:8] for header in headers} == {b"\x01\0\0\0"}
    assert all(shipped.getinfo(name).compress_type == zipfile.ZIP_STORED for name in names)


def test_the_manifest_records_the_stdlib(shipped):
    manifest = json.loads((RUNTIME / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stdlib"]["file"] == "python_stdlib.zip.zst"
    assert manifest["stdlib"]["entries"] == len(shipped.namelist())
    assert manifest["stdlib"]["bytes"] < manifest["stdlib"]["full_bytes"] / 2
    assert "python_stdlib.zip" not in manifest["files"]  # only its .zst is published


@pytest.mark.parametrize("name", ["python_stdlib.zip", "pyodide.asm.wasm"])
def test_the_zstd_copies_inflate_to_the_files_with_the_decoder_the_site_ships(name):
    folder = RUNTIME / "pyodide"
    script = (
        "const { decompress } = await import(process.argv[1]);"
        "const { readFileSync } = await import('node:fs');"
        "const { createHash } = await import('node:crypto');"
        "const out = decompress(new Uint8Array(readFileSync(process.argv[2])));"
        "console.log(createHash('sha256').update(out).digest('hex'));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script, (folder / "zstd-decoder.mjs").as_uri(), str(folder / f"{name}.zst")],
        capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == hashlib.sha256((folder / name).read_bytes()).hexdigest()
