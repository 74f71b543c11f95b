// Memory snapshot of the browser runtime, made under Node from the exact files the site ships.
//
// Usage: node tools/make_snapshot.mjs RUNTIME_DIR WHEEL OUT PRODUCTS_JSON FRESH_MEMORY EMPTY_ZIP
// (PRODUCTS_JSON receives checker.products() as the shipped wheel answers it, for the
// widget's product choice. FRESH_MEMORY receives the memory of a fresh instance as the
// worker sees it when it restores the snapshot: tools/snapshot_container.py leaves out
// the pages the snapshot shares with it. EMPTY_ZIP is the stand-in stdlib the snapshot
// start mounts, a zip with no entries.)
//
// Pyodide's snapshot options are experimental; what works with 314.0.7 (see FIELD-NOTES):
// load with `_makeSnapshot`, install the wheel with unpackArchive (not `packages:`, which
// makes makeMemorySnapshot() fail), import the checker and checker.web (what the worker
// calls), answer once per language so everything is loaded and cached, then snapshot.
// The snapshot also imports every module of RUNTIME_DIR's (trimmed) stdlib zip and forgets
// the zip's directory, so the snapshot start needs no stdlib file at all: it mounts an
// empty zip (key-checker-worker.js). Before snapshotting, the free malloc chunks are
// zeroed: their leftover bytes (about 3 MB) compress badly.
// The snapshot holds memory, not files: the worker unpacks the wheel again after
// restoring it.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [runtimeDir, wheel, out, productsOut, freshOut, emptyZip] = process.argv.slice(2);
if (!runtimeDir || !wheel || !out || !productsOut || !freshOut || !emptyZip) {
  console.error("usage: node tools/make_snapshot.mjs RUNTIME_DIR WHEEL OUT PRODUCTS_JSON FRESH_MEMORY EMPTY_ZIP");
  process.exit(2);
}

// The instance's exports (its memory, __heap_base, sbrk), for the fresh-memory record and
// the zeroing of free chunks below.
let instanceExports = null;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate.apply(WebAssembly, args);
  instanceExports = (result.instance || result).exports;
  return result;
};

// Zero the payload of every free dlmalloc chunk, keeping the chunk's header and the first
// 24 bytes of its payload (fd, bk and, in tree chunks, child[2], parent, index): malloc
// reads nothing else of a free chunk (its size is repeated in the next chunk's prev_foot,
// which is not touched). The walk goes from __heap_base, chunk by chunk (head: size | 3
// flag bits, CINUSE = 2), to the program break; if it does not land exactly there, the
// heap is not laid out as expected and the build stops rather than guess.
function zeroFreeChunks({ memory, __heap_base: heapBase, sbrk }) {
  const view = new DataView(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  const end = sbrk(0) >>> 0;
  let chunk = heapBase.value;
  let zeroed = 0;
  while (chunk + 8 <= end) {
    const head = view.getUint32(chunk + 4, true);
    const size = head & ~7;
    if (size < 16 || chunk + size > end) throw new Error(`heap walk: bad chunk at ${chunk} (head ${head})`);
    if (!(head & 2) && size > 32) {
      bytes.fill(0, chunk + 32, chunk + size);
      zeroed += size - 32;
    }
    chunk += size;
  }
  if (chunk !== end) throw new Error(`heap walk ended at ${chunk}, not at the break ${end}`);
  return zeroed;
}
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
// Every module of the stdlib zip, imported now, so no start from this snapshot reads the
// zip; then forget the zip's directory and cached source lines (an import or traceback
// after the restore reads the mounted zip afresh: empty in the snapshot start).
const imported = pyodide.runPython(`
import gc, importlib, linecache, sys, zipfile, zipimport
_zip = next(p for p in sys.path if p.endswith(".zip"))
_names = set()
for _entry in zipfile.ZipFile(_zip).namelist():
    if _entry.endswith((".py", ".pyc")):  # source or bytecode (tools/compile_stdlib.mjs)
        _parts = _entry.rsplit(".", 1)[0].split("/")
        if _parts[-1] == "__init__":
            _parts.pop()
        _names.add(".".join(_parts))
for _name in sorted(_names):
    importlib.import_module(_name)
zipimport._zip_directory_cache.clear()
linecache.clearcache()
_count = len(_names)
del _zip, _names, _entry, _parts, _name
gc.collect()
_count
`);
console.log(`stdlib modules imported: ${imported}`);
const products = pyodide.runPython("import json, checker; json.dumps(checker.products())");
const where = pyodide.runPython("checker.__file__");
const zeroed = zeroFreeChunks(instanceExports);
console.log(`free heap bytes zeroed: ${(zeroed / 1e6).toFixed(2)} MB`);
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
  stdLibURL: path.resolve(emptyZip),
  _loadSnapshot: snapshot,
  fsInit: () => { fresh = new Uint8Array(instanceExports.memory.buffer).slice(); },
  stdout: () => {},
});
if (!fresh) throw new Error("fsInit never ran: cannot record the fresh memory");
restored.runPython("import checker.web; checker.web.check_json('', 'en', None)");
restored.runPython("import traceback\ntry:\n    import json; json.loads('{')\nexcept ValueError:\n    traceback.format_exc()");
await writeFile(freshOut, fresh);
console.log(`fresh memory: ${freshOut} (${(fresh.length / 1e6).toFixed(1)} MB)`);
