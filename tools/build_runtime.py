"""Build the in-browser runtime of the key checker into build/runtime/ (`make runtime`).

1. Build the checker as an ordinary pure-Python wheel (from a clean copy of the sources,
   so no stale ``build/lib`` can sneak deleted modules in; ``SOURCE_DATE_EPOCH`` makes
   it reproducible).
2. Register it in a copy of Pyodide's ``pyodide-lock.json`` with pyodide-build's CLI,
   ``pyodide lockfile add-wheels``; then keep only the entries the site ships (the
   checker and what it depends on), so the browser fetches 1 kB instead of 119 kB.
3. Copy the Pyodide files the browser needs, from ``node_modules/pyodide``, and trim
   ``python_stdlib.zip`` to the files the checker's paths import: found by running them
   under Pyodide in Node (tools/trace_stdlib.mjs: plain start, wheel install, every test
   vector, a Python error crossing into JavaScript, a formatted traceback), and strip
   their docstrings and comments (every statement stays on its line), then compile them
   to bytecode with Pyodide's own Python (tools/compile_stdlib.mjs: the plain start then
   spends 1.2 s instead of 4.4 s importing them).
4. Make a memory snapshot under Node from exactly those files (tools/make_snapshot.mjs;
   it imports every module of the trimmed zip, so the snapshot start mounts an empty zip
   and downloads no stdlib, and zeroes the free malloc chunks), and record the memory of
   a fresh instance as the worker sees it before restoring.
5. Pack the snapshot into a container without its zero pages and without the pages the
   fresh memory already holds (tools/snapshot_container.py; checked to decode to the
   same bytes). The snapshot start (fast connections: short of CPU, not bytes) gets gzip,
   which the browser inflates natively (``DecompressionStream``): the container and the
   WebAssembly binary gzipped. The plain start (slow connections: short of bytes) gets
   zstd (level 19), which fzstd (npm, copied in as ``zstd-decoder.mjs``) inflates in
   JavaScript, 0.4 s slower for the binary but 18% smaller: the binary and the stdlib zip.
   A static host may compress nothing: every big file is compressed here. Beside the
   binary itself (``pyodide.asm.wasm``), its gzip and brotli copies are named as hosts that
   serve precompressed files look for them (nginx ``gzip_static``/``brotli_static``, Caddy
   ``precompressed``): there the binary's own URL comes compressed, the start takes it
   (key-checker-unpacker.js) and the browser inflates it natively. Brotli at level 11 takes
   a minute, so its result is kept in ``build/cache/`` by the binary's hash. Write
   ``manifest.json``: file names, sizes and SRI hashes, read by the site's hook.

Run with the Python of ``.venv-pyodide`` (Python >= 3.12, pinned by
requirements-pyodide.lock), which has setuptools and the ``pyodide`` CLI.
"""

import argparse
import ast
import base64
import gzip
import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tokenize
import zipfile
from pathlib import Path

import snapshot_container  # tools/, next to this script

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
# What the browser loads: the loader, the Emscripten module, the binary, the stdlib.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
PACKAGE = "activation-help-checker"
# Fixed date for the wheel's file times: the same sources give the same wheel and hash.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01
STDLIB = "python_stdlib.zip"
FORMATS = ROOT / "checker" / "data" / "formats.json"
# Run through every checker path to find the stdlib files it needs (tools/trace_stdlib.mjs).
TRACE_VECTORS = ROOT / "tests" / "vectors" / "diagnose.jsonl"
# The zstd decoder the workers import (npm fzstd, an ES module), as the runtime folder names it.
ZSTD_DECODER = ("fzstd/esm/index.mjs", "zstd-decoder.mjs")
ZSTD_LEVEL = 19
# Brotli's best (quality 11, 16 MB window): 2.77 MB for the 9.6 MB binary (zstd 19: 2.89 MB).
BROTLI = {"quality": 11, "lgwin": 24}
CACHE = ROOT / "build" / "cache"
# Files kept in build/runtime/pyodide/ for the tests and tools, not published: Pyodide in
# Node loads the stdlib zip by this name; the browser gets its .zst.
NOT_PUBLISHED = {STDLIB}
# The zip with no entries (its end-of-directory record only) the snapshot start mounts.
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)


def run(*cmd, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def sri(path: Path) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def gzip_file(src: Path, dest: Path):
    with open(src, "rb") as f, open(dest, "wb") as raw:
        # mtime=0 and no file name: the same input gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            shutil.copyfileobj(f, gz, 1 << 20)


def zstd_file(src: Path, dest: Path):
    import zstandard  # noqa: PLC0415  (.venv-pyodide has it; the tests import this module from .venv)

    dest.write_bytes(zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(src.read_bytes()))


def brotli_file(src: Path, dest: Path):
    """``src`` brotli-compressed into ``dest``, from build/cache/ when this exact input was done before."""
    import brotli  # noqa: PLC0415  (.venv-pyodide has it, as zstandard)

    data = src.read_bytes()
    cached = CACHE / f"{hashlib.sha256(data).hexdigest()}-q{BROTLI['quality']}.br"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        partial.write_bytes(brotli.compress(data, **BROTLI))
        partial.rename(cached)
    shutil.copyfile(cached, dest)


def check_formats(path: Path):
    """Stop with one line naming the file, the format and the field when formats.json breaks a
    rule: before the wheel is built and Pyodide is started (its errors bury the cause)."""
    spec = importlib.util.spec_from_file_location("formatspec", ROOT / "checker" / "formatspec.py")
    formatspec = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(formatspec)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        formatspec.check_document(data, str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
    except (OSError, ValueError) as error:
        sys.exit(f"build_runtime: {error}")


def build_wheel(work: Path, formats: Path) -> Path:
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "checker", src / "checker",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(formats, src / "checker" / "data" / "formats.json")
    out = work / "wheel"
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--disable-pip-version-check", "--wheel-dir", out, src, env=env)
    wheels = list(out.glob("*.whl"))
    if len(wheels) != 1 or not wheels[0].name.endswith("-py3-none-any.whl"):
        sys.exit(f"build_runtime: expected one pure-Python wheel, got {[w.name for w in wheels]}")
    return wheels[0]


def strip_source(source: bytes) -> bytes:
    """Python source without its docstrings and comments, on the same lines.

    Each docstring becomes ``''`` followed by as many empty lines as it spanned; each
    comment goes, and so does trailing white space. Every statement stays on its line, so
    a traceback still names the right line. 0.84 -> 0.49 MB for the trimmed stdlib zip.
    Source this Python cannot parse (newer syntax) is returned unchanged.
    """
    text = source.decode("utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return source
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                value = first.value
                spans.append((value.lineno, value.col_offset, value.end_lineno, value.end_col_offset))
    lines = [line.encode("utf-8") for line in text.splitlines(keepends=True)]
    for start_line, start_col, end_line, end_col in sorted(spans, reverse=True):  # ast columns are UTF-8 bytes
        merged = lines[start_line - 1][:start_col] + b"''" + lines[end_line - 1][end_col:]
        lines[start_line - 1:end_line] = [merged] + [b"\n"] * (end_line - start_line)
    text_without_docstrings = b"".join(lines).decode("utf-8")
    lines = text_without_docstrings.splitlines(keepends=True)
    for token in tokenize.generate_tokens(io.StringIO(text_without_docstrings).readline):
        if token.type == tokenize.COMMENT:  # at most one a line: it runs to the line's end
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col] + ("\n" if lines[row - 1].endswith("\n") else "")
    out = "".join(line.rstrip() + "\n" if line.endswith("\n") else line.rstrip() for line in lines)
    compile(out, "<stripped>", "exec", dont_inherit=True)  # a broken result stops the build here
    if out.count("\n") != text.count("\n"):
        raise ValueError("stripping moved lines")
    return out.encode("utf-8")


def trim_zip(full: Path, keep: list, dest: Path):
    """``full`` with only the entries named in ``keep``, in ``full``'s order, stripped of docstrings and
    comments (``strip_source``), deflated, dated 1980."""
    wanted = set(keep)
    with zipfile.ZipFile(full) as source:
        missing = wanted - set(source.namelist())
        if missing:
            sys.exit(f"build_runtime: the trace names files that are not in {full.name}: {sorted(missing)}")
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for info in source.infolist():
                if info.filename in wanted:
                    entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.external_attr = 0o644 << 16
                    data = source.read(info)
                    out.writestr(entry, strip_source(data) if info.filename.endswith(".py") else data)


def closure(packages: dict, name: str) -> set:
    """The package and everything it depends on, by lock-file name."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(packages[current]["depends"])
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "runtime")
    parser.add_argument("--node", default="node")
    parser.add_argument("--formats", type=Path, default=Path(os.environ.get("CHECKER_FORMATS") or FORMATS),
                        help="the key formats the wheel carries (default: $CHECKER_FORMATS or checker/data/formats.json)")
    args = parser.parse_args()
    check_formats(args.formats.resolve())
    pyodide_cli = Path(sys.executable).parent / "pyodide"

    if not (PYODIDE_NPM / "pyodide.mjs").exists():
        sys.exit("build_runtime: node_modules/pyodide is missing: run `npm ci` (or `make setup`).")
    out: Path = args.out
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    files = staging / "pyodide"
    files.mkdir(parents=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wheel = build_wheel(work, args.formats)
        shutil.copy2(wheel, files / wheel.name)
        for name in RUNTIME_FILES:
            shutil.copy2(PYODIDE_NPM / name, files / name)

        full_lock = work / "pyodide-lock.json"
        run(pyodide_cli, "lockfile", "add-wheels", "--input", PYODIDE_NPM / "pyodide-lock.json",
            "--output", full_lock, "--base-path", files, files / wheel.name)
        lock = json.loads(full_lock.read_text(encoding="utf-8"))
        entry = next((p for p in lock["packages"].values() if p["file_name"] == wheel.name), None)
        if entry is None:
            sys.exit(f"build_runtime: {wheel.name} is not in the lock file pyodide wrote")
        keep = closure(lock["packages"], entry["name"])
        lock["packages"] = {k: v for k, v in lock["packages"].items() if k in keep}
        (files / "pyodide-lock.json").write_text(
            json.dumps(lock, separators=(",", ":"), sort_keys=True), encoding="utf-8")

        stdlib_files = work / "stdlib-files.json"
        run(args.node, ROOT / "tools" / "trace_stdlib.mjs", files, entry["name"], files / wheel.name,
            TRACE_VECTORS, stdlib_files)
        stdlib_kept = json.loads(stdlib_files.read_text(encoding="utf-8"))
        stdlib_source = work / "stdlib-source.zip"
        trim_zip(PYODIDE_NPM / STDLIB, stdlib_kept, stdlib_source)
        run(args.node, ROOT / "tools" / "compile_stdlib.mjs", files, stdlib_source, files / STDLIB)
        shutil.copy2(PYODIDE_NPM.parent / ZSTD_DECODER[0], files / ZSTD_DECODER[1])

        snapshot = work / "snapshot.bin"
        products = work / "products.json"
        fresh_memory = work / "fresh-memory.bin"
        empty_zip = work / "empty.zip"
        empty_zip.write_bytes(EMPTY_ZIP)
        run(args.node, ROOT / "tools" / "make_snapshot.mjs", files, files / wheel.name, snapshot, products,
            fresh_memory, empty_zip)
        raw = snapshot.read_bytes()
        fresh = fresh_memory.read_bytes()
        memory_offset = len(raw) - len(fresh)  # Pyodide's header, then the memory
        container = snapshot_container.encode(raw, fresh, memory_offset)
        if snapshot_container.decode(container, fresh) != raw:
            sys.exit("build_runtime: the snapshot container does not decode to the snapshot")
        gzip_file(fresh_memory, staging / "fresh-memory.bin.gz")  # for the tests; not published
        sparse = work / "snapshot.sparse"
        sparse.write_bytes(container)
        gzip_file(sparse, files / "snapshot.bin.gz")
        gzip_file(files / "pyodide.asm.wasm", files / "pyodide.asm.wasm.gz")
        zstd_file(files / "pyodide.asm.wasm", files / "pyodide.asm.wasm.zst")
        brotli_file(files / "pyodide.asm.wasm", files / "pyodide.asm.wasm.br")
        zstd_file(files / STDLIB, files / f"{STDLIB}.zst")

        pyodide_version = json.loads((PYODIDE_NPM / "package.json").read_text())["version"]
        manifest = {
            "pyodide": pyodide_version,
            "package": entry["name"],
            "wheel": {"file": wheel.name, "sha256": entry["sha256"], "integrity": sri(files / wheel.name)},
            "snapshot": {"file": "snapshot.bin.gz", "integrity": sri(files / "snapshot.bin.gz"),
                         "bytes": (files / "snapshot.bin.gz").stat().st_size,
                         "raw_bytes": snapshot.stat().st_size, "format": "sparse-pages-2",
                         "container_bytes": len(container)},
            "stdlib": {"file": f"{STDLIB}.zst", "integrity": sri(files / f"{STDLIB}.zst"),
                       "bytes": (files / f"{STDLIB}.zst").stat().st_size,
                       "zip_bytes": (files / STDLIB).stat().st_size,
                       "full_bytes": (PYODIDE_NPM / STDLIB).stat().st_size, "entries": len(stdlib_kept)},
            "wasm": {"file": "pyodide.asm.wasm.gz", "integrity": sri(files / "pyodide.asm.wasm.gz"),
                     "bytes": (files / "pyodide.asm.wasm.gz").stat().st_size},
            # The binary's own URL: compressed by hosts that do (precompressed .br/.gz beside it).
            "wasm_raw": {"file": "pyodide.asm.wasm", "integrity": sri(files / "pyodide.asm.wasm"),
                         "bytes": (files / "pyodide.asm.wasm").stat().st_size,
                         "br_bytes": (files / "pyodide.asm.wasm.br").stat().st_size},
            "wasm_zst": {"file": "pyodide.asm.wasm.zst", "integrity": sri(files / "pyodide.asm.wasm.zst"),
                         "bytes": (files / "pyodide.asm.wasm.zst").stat().st_size},
            "products": json.loads(products.read_text(encoding="utf-8")),
            "files": sorted(p.name for p in files.iterdir() if p.name not in NOT_PUBLISHED),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    # Swap in the finished folder only now: a failed build never leaves half a runtime.
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    for name in manifest["files"]:
        print(f"  {name:45} {(out / 'pyodide' / name).stat().st_size:>11,} bytes")


if __name__ == "__main__":
    main()
