// The shipped stdlib as bytecode: every .py of a stdlib zip compiled by Pyodide's own
// Python (the bytecode's magic number is its version's), under Node.
//
// Usage: node tools/compile_stdlib.mjs RUNTIME_DIR IN_ZIP OUT_ZIP
//
// Why: the plain start imports about 150 stdlib modules; compiling their source took
// 4.4 s of its 5.5 s (Node, this machine idle), loading bytecode 1.2 s. The zip grows
// (0.49 MB deflated source -> 1.0 MB zstd-compressed bytecode), which a 4G connection
// downloads in less time than the compiling took.
// Each module becomes NAME.pyc (optimize=2: no docstrings, no asserts), an unchecked
// hash-based .pyc (PEP 552: nothing to compare against, the zip holds no source), its
// code named "/lib/python3XY.zip/NAME.py" as zipimport names source it imports, so a
// traceback reads as before, minus the source line. Entries are stored, not deflated:
// build_runtime.py compresses the whole zip, which compresses better.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [runtimeDir, inZip, outZip] = process.argv.slice(2);
if (!runtimeDir || !inZip || !outZip) {
  console.error("usage: node tools/compile_stdlib.mjs RUNTIME_DIR IN_ZIP OUT_ZIP");
  process.exit(2);
}
const indexURL = path.resolve(runtimeDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL, stdLibURL: path.resolve(inZip), stdout: () => {}, stderr: console.error });
pyodide.FS.writeFile("/tmp/in.zip", await readFile(inZip));
pyodide.runPython(`
import importlib._bootstrap_external as bootstrap, sys, zipfile

prefix = next(p for p in sys.path if p.endswith(".zip")) + "/"  # /lib/python3XY.zip/
with zipfile.ZipFile("/tmp/in.zip") as source, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_STORED) as out:
    for info in source.infolist():
        data, name = source.read(info), info.filename
        if name.endswith(".py"):
            code = compile(data, prefix + name, "exec", dont_inherit=True, optimize=2)
            data, name = bootstrap._code_to_hash_pyc(code, bytes(8), checked=False), name[:-3] + ".pyc"
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = 0o644 << 16
        out.writestr(entry, data)
`);
await writeFile(outZip, pyodide.FS.readFile("/tmp/out.zip"));
