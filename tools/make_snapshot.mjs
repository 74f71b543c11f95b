// Memory snapshot of the browser runtime, made under Node from the exact files the site ships.
//
// Usage: node tools/make_snapshot.mjs RUNTIME_DIR WHEEL OUT PRODUCTS_JSON FRESH_MEMORY
// (PRODUCTS_JSON receives checker.products() as the shipped wheel answers it, for the
// widget's product choice. FRESH_MEMORY receives the memory of a fresh instance as the
// worker sees it when it restores the snapshot: tools/snapshot_container.py leaves out
// the pages the snapshot shares with it.)
//
// Pyodide's snapshot options are experimental; what works with 314.0.7 (see FIELD-NOTES):
// load with `_makeSnapshot`, install the wheel with unpackArchive (not `packages:`, which
// makes makeMemorySnapshot() fail), import the checker and checker.web (what the worker
// calls), answer once per language so everything is loaded and cached, then snapshot.
// The snapshot holds memory, not files: the worker unpacks the wheel again after
// restoring it.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [runtimeDir, wheel, out, productsOut, freshOut] = process.argv.slice(2);
if (!runtimeDir || !wheel || !out || !productsOut || !freshOut) {
  console.error("usage: node tools/make_snapshot.mjs RUNTIME_DIR WHEEL OUT PRODUCTS_JSON FRESH_MEMORY");
  process.exit(2);
}

// The instance's memory (an export of Pyodide's module), for the fresh-memory record below.
let instanceMemory = null;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate.apply(WebAssembly, args);
  instanceMemory = (result.instance || result).exports.memory;
  return result;
};
const indexURL = path.resolve(runtimeDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);

const pyodide = await loadPyodide({
  indexURL,
  lockFileURL: path.join(indexURL, "pyodide-lock.json"),
  _makeSnapshot: true,
  stdout: () => {},
});
pyodide.unpackArchive(new Uint8Array(await readFile(wheel)), "wheel");
pyodide.runPython(`
import checker
import checker.web
for _lang in ("ja", "en"):
    checker.web.check_json("S6AB1-00000-00000-00000-0000O", _lang, None)
    checker.products()
del _lang
`);
const products = pyodide.runPython("import json, checker; json.dumps(checker.products())");
const where = pyodide.runPython("checker.__file__");
const snapshot = pyodide.makeMemorySnapshot();
await writeFile(productsOut, products);
console.log(`checker imported from ${where}`);
await writeFile(out, snapshot);
console.log(`snapshot: ${out} (${(snapshot.length / 1e6).toFixed(1)} MB)`);

// Restore it as the worker does and record the fresh memory at the moment the worker
// fills the snapshot in (its fsInit hook): after instantiation, before the restore.
let fresh = null;
const restored = await loadPyodide({
  indexURL,
  lockFileURL: path.join(indexURL, "pyodide-lock.json"),
  _loadSnapshot: snapshot,
  fsInit: () => { fresh = new Uint8Array(instanceMemory.buffer).slice(); },
  stdout: () => {},
});
if (!fresh) throw new Error("fsInit never ran: cannot record the fresh memory");
restored.runPython("import checker.web; checker.web.check_json('', 'en', None)");
await writeFile(freshOut, fresh);
console.log(`fresh memory: ${freshOut} (${(fresh.length / 1e6).toFixed(1)} MB)`);
