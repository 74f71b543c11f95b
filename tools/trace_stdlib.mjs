// Which files of Pyodide's python_stdlib.zip the key checker needs, found by running it.
//
// Usage: node tools/trace_stdlib.mjs RUNTIME_DIR PACKAGE WHEEL VECTORS OUT_JSON
//
// Runs, under Pyodide in Node with the full stdlib zip of RUNTIME_DIR, every way the site
// uses Python: the plain start (loadPyodide with the package from the lock file: it
// installs the wheel), the snapshot start's unpackArchive of the wheel, every test vector
// through checker.web.check_json in both languages, and the rare paths: a Python error
// turned into a JavaScript PythonError (Pyodide formats its traceback) and a formatted
// traceback with its source lines. Writes the zip's entries that back a loaded module
// (plus their packages' __init__) as a JSON list: tools/build_runtime.py keeps only those.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [runtimeDir, pkg, wheel, vectors, out] = process.argv.slice(2);
if (!runtimeDir || !pkg || !wheel || !vectors || !out) {
  console.error("usage: node tools/trace_stdlib.mjs RUNTIME_DIR PACKAGE WHEEL VECTORS OUT_JSON");
  process.exit(2);
}
const indexURL = path.resolve(runtimeDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL,
  lockFileURL: path.join(indexURL, "pyodide-lock.json"),
  packages: [pkg],
  stdout: () => {},
  stderr: () => {},
});
pyodide.unpackArchive(new Uint8Array(await readFile(wheel)), "wheel", { extractDir: "/tmp/trace-wheel" });
pyodide.globals.set("VECTORS_TEXT", await readFile(vectors, "utf-8"));
pyodide.runPython(`
import json, traceback
import checker, checker.web
for _line in VECTORS_TEXT.splitlines():
    if _line.strip():
        _v = json.loads(_line)
        for _lang in ("ja", "en"):
            checker.web.check_json(_v["input"], _lang, _v.get("expect"))
        checker.diagnose(_v["input"], lang=_v["lang"], expect=_v["expect"])
checker.products()
try:
    checker.web.check_json(None, None, 42)
except Exception:
    traceback.format_exc()
del _line, _v, _lang
`);
// A Python error crossing into JavaScript: Pyodide formats it with the traceback module.
try {
  pyodide.pyimport("checker.web").check_json(12, 3, 4);
} catch (error) {
  if (error.constructor.name !== "PythonError") throw error;
}
const files = JSON.parse(pyodide.runPython(`
import json, sys
_zip = next(p for p in sys.path if p.endswith(".zip")) + "/"
_files = set()
for _m in list(sys.modules.values()):
    _f = getattr(_m, "__file__", None) or ""
    if _f.startswith(_zip):
        _files.add(_f[len(_zip):])
# Every package of a kept module, up to the top: the import system needs their __init__.
for _f in list(_files):
    _parts = _f.split("/")[:-1]
    for _i in range(1, len(_parts) + 1):
        _files.add("/".join(_parts[:_i]) + "/__init__.py")
json.dumps(sorted(_files))
`));
await writeFile(out, JSON.stringify(files, null, 1) + "\n");
console.log(`stdlib: ${files.length} files used`);
