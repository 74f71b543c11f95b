// Run the checker's test vectors inside Pyodide under Node.
//
//   node tests/pyodide/run_vectors.mjs --wheel dist/activation_help_checker-….whl \
//        [--runtime build/runtime/pyodide [--snapshot RAW_SNAPSHOT]] [--no-doctests] \
//        [--vectors tests/vectors/diagnose.jsonl] [--compare tests/vectors/compare.py]
//
// Installs the wheel into Pyodide exactly as the browser will (unpackArchive), then
// applies tests/vectors/compare.py to every vector (the same rules as under CPython)
// and runs the package's doctests. With --runtime, Pyodide is the one the site ships
// (its trimmed stdlib zip); with --snapshot too, it is restored from that (decoded)
// snapshot with an empty stdlib zip, as the snapshot start does, and the checker is
// the one the snapshot holds. Prints one JSON report on stdout; exit status 0 when
// everything passed, 1 when something failed, 2 on a usage error.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    wheel: { type: "string" },
    vectors: { type: "string", default: resolve(here, "../vectors/diagnose.jsonl") },
    compare: { type: "string", default: resolve(here, "../vectors/compare.py") },
    runtime: { type: "string" },
    snapshot: { type: "string" },
    "no-doctests": { type: "boolean", default: false },
  },
});
if (!args.wheel) {
  console.error("usage: node run_vectors.mjs --wheel PATH [--vectors PATH] [--compare PATH]");
  process.exit(2);
}

const started = performance.now();
const indexURL = args.runtime ? resolve(args.runtime) + sep : null;
const { loadPyodide } = await import(
  indexURL ? pathToFileURL(join(indexURL, "pyodide.mjs")).href : "pyodide");
const options = indexURL ? { indexURL, lockFileURL: join(indexURL, "pyodide-lock.json") } : {};
if (args.snapshot) {
  // The snapshot start mounts a zip with no entries (key-checker-worker.js).
  const emptyZip = join(mkdtempSync(join(tmpdir(), "run-vectors-")), "no-stdlib.zip");
  writeFileSync(emptyZip, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
  Object.assign(options, { _loadSnapshot: new Uint8Array(readFileSync(args.snapshot)), stdLibURL: emptyZip });
}
const pyodide = await loadPyodide(options);
const loaded = performance.now();
// A Node Buffer is refused by unpackArchive: wrap it in a plain Uint8Array. Extract into
// site-packages, where an installed wheel lives (the default would be the working directory).
// A restored snapshot already holds the checker: its files go back as the worker puts them.
const sitePackages = pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('site-packages'))");
pyodide.unpackArchive(new Uint8Array(readFileSync(args.wheel)), "wheel",
  args.snapshot ? {} : { extractDir: sitePackages });
// Both files are passed as text and parsed by Python: the vectors file is ASCII JSON
// (\ud800 escapes), so lone surrogates reach Python intact.
pyodide.globals.set("VECTORS_TEXT", readFileSync(args.vectors, "utf-8"));
pyodide.globals.set("COMPARE_SOURCE", readFileSync(args.compare, "utf-8"));
pyodide.globals.set("NO_DOCTESTS", args["no-doctests"]);

const report = JSON.parse(
  await pyodide.runPythonAsync(`
import json, sys, types
if not NO_DOCTESTS:
    import doctest
import checker, checker.diagnosis, checker.exceptions, checker.crockford, checker.formatspec, checker.iso7064, checker.keyfacts, checker.keyformat, checker.luhn, checker.summary, checker.verhoeff, checker.web

compare = types.ModuleType("vector_compare")
exec(compile(COMPARE_SOURCE, "compare.py", "exec"), compare.__dict__)
vectors = [json.loads(line) for line in VECTORS_TEXT.splitlines() if line.strip()]
failures = []
for vector in vectors:
    try:
        problems = compare.problems(vector, checker)
    except Exception as error:  # a crash is a failure of this vector, not of the run
        problems = [f"raised {error!r}"]
    if problems:
        failures.append({"id": vector["id"], "problems": problems})

# The support summary of every vector, for the test to compare with CPython's: as a digest
# (made below in JavaScript: the shipped stdlib has no hashlib), since the whole would make
# the report too big for one pipe write before process.exit().
summaries = {v["id"]: checker.support_summary(v["input"], lang=v["lang"], expect=v["expect"]) for v in vectors}
summaries_json = json.dumps(summaries, sort_keys=True)

doctests = {"attempted": 0, "failed": 0}
for module in () if NO_DOCTESTS else (checker, checker.diagnosis, checker.exceptions, checker.crockford, checker.formatspec, checker.iso7064, checker.keyfacts, checker.keyformat, checker.luhn, checker.summary, checker.verhoeff, checker.web):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    doctests["attempted"] += result.attempted
    doctests["failed"] += result.failed

json.dumps({
    "python": sys.version.split()[0],
    "platform": sys.platform,
    "checker_version": checker.__version__,
    "checker_file": checker.__file__,
    "total": len(vectors),
    "passed": len(vectors) - len(failures),
    "failures": failures,
    "doctests": doctests,
    "summaries": len(summaries),
})
`),
);
report.summaries_sha256 = createHash("sha256").update(pyodide.globals.get("summaries_json")).digest("hex");
// The rare path: a Python error crossing into JavaScript, its traceback formatted by
// Pyodide, then one formatted in Python through a stdlib frame.
try {
  pyodide.pyimport("checker.web").check_json(12, 3, 4);
  report.error_path = "no error";
} catch (error) {
  report.error_path = { type: error.type, traceback: String(error.message).includes("Traceback") };
}
report.formatted_traceback = pyodide.runPython(`
import traceback
try:
    json.loads("{")
except ValueError:
    _text = traceback.format_exc()
"JSONDecodeError" in _text and "Traceback" in _text
`);
report.modules = JSON.parse(pyodide.runPython("import json, sys; json.dumps(sorted(sys.modules))"));
report.pyodide = pyodide.version;
report.load_seconds = +((loaded - started) / 1000).toFixed(2);
report.total_seconds = +((performance.now() - started) / 1000).toFixed(2);
console.log(JSON.stringify(report, null, 2));
process.exit(report.failures.length === 0 && report.doctests.failed === 0 && report.total > 0 ? 0 : 1);
