// The Pyodide half of bench/bench_checker.py: installs the checker wheel in Pyodide
// under Node and runs bench_checker.py's own run_cases() there. Prints JSON.
//
//   node bench/bench_checker_pyodide.mjs --wheel PATH [--samples N] [--calls N]
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadPyodide } from "pyodide";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    wheel: { type: "string" },
    samples: { type: "string", default: "200" },
    calls: { type: "string", default: "100" },
  },
});
if (!args.wheel) {
  console.error("usage: node bench_checker_pyodide.mjs --wheel PATH [--samples N] [--calls N]");
  process.exit(2);
}

const started = performance.now();
const pyodide = await loadPyodide();
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
pyodide.unpackArchive(new Uint8Array(readFileSync(args.wheel)), "wheel", { extractDir: sitePackages });
const ready = performance.now();
pyodide.globals.set("BENCH_SOURCE", readFileSync(resolve(here, "bench_checker.py"), "utf-8"));
const result = JSON.parse(
  pyodide.runPython(`
import json, types
bench = types.ModuleType("bench_checker")
bench.__file__ = "/bench/bench_checker.py"
exec(compile(BENCH_SOURCE, "bench_checker.py", "exec"), bench.__dict__)
json.dumps(bench.run_cases(${Number(args.samples)}, ${Number(args.calls)}))
`),
);
result.pyodide = pyodide.version;
result.node = process.version;
result.load_seconds = +((ready - started) / 1000).toFixed(2);
console.log(JSON.stringify(result));
