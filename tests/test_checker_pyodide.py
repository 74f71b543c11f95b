"""The same vectors, inside Pyodide under Node: the checker is tested where it runs.

Takes the checker's wheel that the site ships, installs it in Pyodide (npm package ``pyodide``, pinned
in package.json) with ``unpackArchive`` as the browser will, and runs every vector
of tests/vectors/diagnose.jsonl through tests/vectors/compare.py, plus the doctests.
Then the same vectors against exactly the files the site ships (build/runtime/pyodide): the plain
start with the trimmed stdlib zip, and the snapshot start (the shipped container, decoded, restored
with an empty stdlib zip as the worker does), each with the rare paths (a Python error crossing into
JavaScript, a formatted traceback through a stdlib frame).
Needs ``node`` and ``node_modules`` (``npm ci``, which ``make setup`` runs).
"""

import gzip
import json
import sys
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests/pyodide/run_vectors.mjs"
VECTORS = ROOT / "tests/vectors/diagnose.jsonl"
RUNTIME = ROOT / "build/runtime"
PYODIDE_VERSION = "314.0.7"
sys.path.insert(0, str(ROOT / "tools"))
import snapshot_container  # noqa: E402  (tools/, not a package)


def shipped_wheel() -> Path:
    """The wheel the site ships (build/runtime/, made by `make runtime`): the very file
    the browser installs is the one tested here."""
    manifest = RUNTIME / "manifest.json"
    if not manifest.exists():
        pytest.fail("build/runtime/ is missing: run `make runtime` (make test does).", pytrace=False)
    wheel = RUNTIME / "pyodide" / json.loads(manifest.read_text(encoding="utf-8"))["wheel"]["file"]
    if not wheel.exists():
        pytest.fail(f"{wheel} is missing: run `make runtime`.", pytrace=False)
    return wheel


@pytest.fixture(scope="module")
def wheel():
    return shipped_wheel()


def run_vectors(wheel, *options):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the Pyodide tests need Node.js 20 or newer.", pytrace=False)
    if not (ROOT / "node_modules/pyodide/package.json").exists():
        pytest.fail("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first.", pytrace=False)
    result = subprocess.run(
        [node, str(RUNNER), "--wheel", str(wheel), *map(str, options)], cwd=ROOT, capture_output=True, text=True,
        timeout=600
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"run_vectors.mjs gave no report (exit {result.returncode}):\n{result.stdout[-3000:]}\n"
                    f"{result.stderr[-3000:]}", pytrace=False)
    return report


@pytest.fixture(scope="module")
def pyodide_report(wheel):
    return run_vectors(wheel)


@pytest.fixture(scope="module")
def shipped_plain_report(wheel):
    return run_vectors(wheel, "--runtime", RUNTIME / "pyodide", "--no-doctests")


@pytest.fixture(scope="module")
def shipped_snapshot_report(wheel, tmp_path_factory):
    manifest = json.loads((RUNTIME / "manifest.json").read_text(encoding="utf-8"))
    container = gzip.decompress((RUNTIME / "pyodide" / manifest["snapshot"]["file"]).read_bytes())
    fresh = gzip.decompress((RUNTIME / "fresh-memory.bin.gz").read_bytes())
    raw = tmp_path_factory.mktemp("snapshot") / "snapshot.bin"
    raw.write_bytes(snapshot_container.decode(container, fresh))
    return run_vectors(wheel, "--runtime", RUNTIME / "pyodide", "--snapshot", raw, "--no-doctests")


def shipped_stdlib_modules():
    """The module names the shipped (trimmed) stdlib zip holds."""
    names = set()
    for entry in zipfile.ZipFile(RUNTIME / "pyodide" / "python_stdlib.zip").namelist():
        if entry.endswith((".py", ".pyc")):  # bytecode since tools/compile_stdlib.mjs
            parts = entry.rsplit(".", 1)[0].split("/")
            if parts[-1] == "__init__":
                parts.pop()
            names.add(".".join(parts))
    return names


def test_the_shipped_wheel_holds_the_current_sources(wheel):
    shipped = zipfile.ZipFile(wheel)
    # The schema is for editors, not the browser (pyproject.toml leaves it out of the wheel).
    sources = sorted(p for p in (ROOT / "checker").rglob("*") if p.suffix in (".py", ".json")
                     and not p.name.endswith(".schema.json"))
    assert sources
    for path in sources:
        name = path.relative_to(ROOT).as_posix()
        assert shipped.read(name) == path.read_bytes(), f"{name} changed since `make runtime`"


def test_wheel_ships_the_data_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/data/formats.json" in names and "checker/data/messages.json" in names
    assert not [n for n in names if n.endswith(".pyc") or n.endswith(".schema.json")]


def test_pyodide_is_pinned_exactly():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["pyodide"] == PYODIDE_VERSION
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/pyodide"]["version"] == PYODIDE_VERSION


def test_runs_in_the_pinned_pyodide(pyodide_report):
    assert pyodide_report["pyodide"] == PYODIDE_VERSION
    assert pyodide_report["platform"] == "emscripten"
    assert pyodide_report["python"].startswith("3.14")
    assert "site-packages" in pyodide_report["checker_file"]


@pytest.mark.example_format
def test_every_vector_passes_in_pyodide(pyodide_report):
    expected = sum(1 for line in VECTORS.read_text(encoding="ascii").splitlines() if line.strip())
    assert pyodide_report["total"] == expected
    failures = "\n".join(f'{f["id"]}: {"; ".join(f["problems"])}' for f in pyodide_report["failures"])
    assert not pyodide_report["failures"], f"vectors failing in Pyodide:\n{failures}"
    assert pyodide_report["passed"] == expected


@pytest.mark.example_format
def test_doctests_pass_in_pyodide(pyodide_report):
    assert pyodide_report["doctests"]["attempted"] > 0
    assert pyodide_report["doctests"]["failed"] == 0


@pytest.mark.example_format
@pytest.mark.parametrize("start", ["plain", "snapshot"])
def test_every_vector_passes_on_the_shipped_runtime(start, shipped_plain_report, shipped_snapshot_report):
    report = {"plain": shipped_plain_report, "snapshot": shipped_snapshot_report}[start]
    expected = sum(1 for line in VECTORS.read_text(encoding="ascii").splitlines() if line.strip())
    failures = "\n".join(f'{f["id"]}: {"; ".join(f["problems"])}' for f in report["failures"])
    assert not report["failures"], f"vectors failing on the shipped {start} start:\n{failures}"
    assert report["total"] == report["passed"] == expected
    assert report["pyodide"] == PYODIDE_VERSION


@pytest.mark.parametrize("start", ["plain", "snapshot"])
def test_the_rare_paths_work_on_the_shipped_runtime(start, shipped_plain_report, shipped_snapshot_report):
    # A Python error reaches JavaScript as a PythonError with its traceback formatted, and
    # traceback.format_exc() works through a stdlib frame: the modules they need are shipped
    # (plain) or held by the snapshot (which mounts no stdlib at all).
    report = {"plain": shipped_plain_report, "snapshot": shipped_snapshot_report}[start]
    assert report["error_path"] == {"type": "TypeError", "traceback": True}
    assert report["formatted_traceback"] is True


def test_the_shipped_stdlib_is_trimmed_but_holds_the_modules_the_checker_needs(shipped_plain_report):
    full = zipfile.ZipFile(ROOT / "node_modules/pyodide/python_stdlib.zip")
    shipped = RUNTIME / "pyodide" / "python_stdlib.zip.zst"  # what the browser downloads
    assert shipped.stat().st_size < Path(full.filename).stat().st_size / 2
    assert len(zipfile.ZipFile(RUNTIME / "pyodide" / "python_stdlib.zip").namelist()) < len(full.namelist()) / 3
    modules = shipped_stdlib_modules()
    for needed in ("traceback", "linecache", "json", "importlib.resources", "encodings.cp437", "tarfile"):
        assert needed in modules


def test_the_snapshot_holds_every_module_of_the_shipped_stdlib(shipped_snapshot_report):
    # Why the snapshot start may mount an empty stdlib zip: nothing is left to import from it.
    missing = shipped_stdlib_modules() - set(shipped_snapshot_report["modules"])
    assert not missing, f"modules the snapshot start could not import: {sorted(missing)}"


@pytest.mark.example_format
def test_the_support_summary_is_the_same_in_pyodide(pyodide_report):
    # Issue 11: one function makes the summary's lines about the key, wherever it runs.
    import hashlib

    import checker

    vectors = [json.loads(line) for line in VECTORS.read_text(encoding="ascii").splitlines() if line.strip()]
    summaries = {v["id"]: checker.support_summary(v["input"], lang=v["lang"], expect=v["expect"]) for v in vectors}
    digest = hashlib.sha256(json.dumps(summaries, sort_keys=True).encode("ascii")).hexdigest()
    assert pyodide_report["summaries"] == len(vectors)
    assert pyodide_report["summaries_sha256"] == digest
