// The key checker's Web Worker (a module worker): it owns Pyodide and the checker.
//
// Messages are plain objects. In: {id: 0, type: "init", mode: "snapshot"|"plain", runtime},
// in the snapshot mode {type: "bytes", name, ...} (below), then {id, type: "check", text,
// lang, expect}. Out: {type: "ready", mode, ms} or
// {type: "failed", mode, error}, then {id, type: "result", result} or {id, type: "error",
// error}. Errors travel as data ({kind: "python"|"js", name}); no message text that
// could quote the key ever leaves this worker, and nothing is logged.
//
// Two ways to start:
// - "snapshot": the memory snapshot made at build time (tools/make_snapshot.mjs) with the
//   checker already imported, in a sparse container (no zero pages), gzipped. The page
//   fetches it and the gzipped binary with their SRI hashes and hands the bytes over;
//   this worker sets Pyodide up meanwhile, then inflates (DecompressionStream) and
//   compiles them here, off the page's thread.
// - "plain": loadPyodide({lockFileURL, packages}), which checks the wheel's sha256
//   from the lock file. The page falls back to it, in a fresh worker, on any failure.

const RUNTIME = new URL("../pyodide/", import.meta.url);
const WASM = new URL("pyodide.asm.wasm", RUNTIME).href;
const LOAD_TIMEOUT_MS = 60000;

// Glue between the page and checker.diagnose: the result as JSON, plus the positions
// (in the compact key) of the characters the checker changed, so the widget can mark them.
const GLUE = `
import json
import unicodedata

import checker


def _corrected(text, result):
    normalized = result.get("normalized")
    if not normalized:
        return []
    compact = normalized.replace("-", "")
    kept = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        kept.extend((c, folded != ch) for c in folded if c.isascii() and c.isalnum())
    if len(kept) != len(compact):
        return sorted({f["position"] for f in result["findings"]
                       if f["code"] == "confusable" and isinstance(f["position"], int)})
    return [i for i, (c, changed) in enumerate(kept) if changed or c.upper() != compact[i]]


def key_checker_check(text, lang, expect):
    result = checker.diagnose(text, lang=lang, expect=expect or None)
    result["corrected"] = _corrected(text, result)
    return json.dumps(result, ensure_ascii=False)
`;

let checkFunction = null;
let afterReady = null; // work that can wait until the page has heard "ready"
let wasmFailure = null; // rejects when the WebAssembly binary cannot be had

// The snapshot start's downloads, made by the page (key-checker.js): it sends {type:
// "bytes", name, value}, the gzipped bytes of the snapshot or of the WebAssembly binary
// (an ArrayBuffer, transferred), or {type: "bytes", name, error: true}.
const handed = {};
function fromPage(name) {
  if (!handed[name]) {
    const slot = {};
    slot.promise = new Promise((resolve, reject) => Object.assign(slot, { resolve, reject }));
    slot.promise.catch(() => {});
    handed[name] = slot;
  }
  return handed[name];
}

async function fetchOk(url, integrity) {
  const response = await fetch(url, integrity ? { integrity } : {});
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return response;
}

function gunzip(body) {
  if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
  return body.pipeThrough(new DecompressionStream("gzip"));
}

// The WebAssembly binary, compiled as soon as its bytes are here, not when loadPyodide
// gets to it (after the snapshot): from the gzipped copy (3.5 MB, SRI-checked) that the
// page downloaded (the snapshot start) or that this worker fetches, else the plain file.
function compileWasm(runtime, handedOver) {
  const compile = (body) => WebAssembly.compileStreaming(new Response(body, { headers: { "Content-Type": "application/wasm" } }));
  const gzipped = handedOver
    ? handedOver.then((bytes) => new Response(bytes).body)
    : fetchOk(new URL(runtime.wasm, RUNTIME), runtime.wasmIntegrity).then((r) => r.body);
  return gzipped.then((body) => compile(gunzip(body)))
    .catch(() => WebAssembly.compileStreaming(fetchOk(WASM)));
}

// Make Pyodide instantiate the module compiled above; its own fetch of the binary gets
// an empty stand-in. A failure ends the start at once instead of Pyodide waiting forever.
function usePrecompiledWasm(module) {
  const STAND_IN = Symbol("precompiled");
  wasmFailure = module.then(() => new Promise(() => {}));
  wasmFailure.catch(() => {});
  const realFetch = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url, RUNTIME).href !== WASM) return realFetch(input, init);
    const response = new Response(new Uint8Array(0), { headers: { "Content-Type": "application/wasm" } });
    response[STAND_IN] = true;
    return Promise.resolve(response);
  };
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    if (!(await source)[STAND_IN]) return instantiateStreaming(source, imports);
    const compiled = await module;
    return { module: compiled, instance: await WebAssembly.instantiate(compiled, imports) };
  };
}

// The snapshot travels as a sparse container (tools/snapshot_container.py), gzipped:
// half of Pyodide's memory is zero pages, which are then never inflated. The page
// downloads it and hands it over, it is inflated here; decodeSparse rebuilds the exact original bytes into `out` (zero-filled, the
// snapshot's length). Layout, little-endian: magic (8 bytes), raw length (u64), page
// size (u32), page count (u32), a bitmap of the non-zero pages (bit i & 7 of byte
// i >> 3), then those pages in order (the last one may be short).
const SPARSE_MAGIC = "PYSNAPZ1";

function decodeSparse(bytes, out) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(0, 8)) !== SPARSE_MAGIC) throw new Error("not a sparse snapshot");
  const rawLength = Number(view.getBigUint64(8, true));
  const pageSize = view.getUint32(16, true);
  const pages = view.getUint32(20, true);
  if (rawLength !== out.length || !pageSize || pages !== Math.ceil(rawLength / pageSize)) throw new Error("bad sparse header");
  const bitmap = bytes.subarray(24, 24 + Math.ceil(pages / 8));
  let offset = 24 + bitmap.length;
  for (let i = 0; i < pages; i++) {
    if (!(bitmap[i >> 3] & (1 << (i & 7)))) continue;
    const length = Math.min(pageSize, rawLength - i * pageSize);
    if (offset + length > bytes.length) throw new Error("sparse snapshot too short");
    out.set(bytes.subarray(offset, offset + length), i * pageSize);
    offset += length;
  }
  if (offset !== bytes.length) throw new Error("sparse snapshot too long");
}

// loadPyodide gets the snapshot's (still empty) memory at once, so it compiles and sets
// up the runtime while the bytes arrive; fsInit holds it back (an Emscripten run
// dependency) until they are in, before the snapshot is restored from that memory.
function snapshotDownloads(runtime) {
  const memory = new Uint8Array(runtime.snapshotBytes);
  const filled = fromPage("snapshot").promise
    .then((gzipped) => new Response(gunzip(new Response(gzipped).body)).arrayBuffer())
    .then((buffer) => { decodeSparse(new Uint8Array(buffer), memory); });
  const wheel = fetchOk(new URL(runtime.wheel, RUNTIME), runtime.wheelIntegrity).then((r) => r.arrayBuffer());
  filled.catch(() => {});
  wheel.catch(() => {});
  return { memory, filled, wheel };
}

async function loadSnapshot(loadPyodide, runtime, { memory, filled, wheel }, createPyodideModule) {
  // A snapshot that fails its SRI check or does not unpack ends this start at once
  // (then the page falls back to the plain load).
  const pyodide = await Promise.race([
    loadPyodide({
      indexURL: RUNTIME.href,
      lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
      _loadSnapshot: memory,
      fsInit: () => filled.catch(() => new Promise(() => {})),
      createPyodideModule,
    }),
    filled.then(() => new Promise(() => {})),
  ]);
  // The snapshot holds memory, not files: put the package's files back where the
  // snapshot's import found them, for anything it reads later. The checker's code and
  // data are in memory already (and its answers need no file), so this is done just
  // after "ready". A wheel that fails its SRI check is then not unpacked.
  afterReady = async () => pyodide.unpackArchive(new Uint8Array(await wheel), "wheel");
  return pyodide;
}

async function loadPlain(loadPyodide, runtime, _downloads, createPyodideModule) {
  return loadPyodide({
    indexURL: RUNTIME.href,
    lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
    packages: [runtime.package],
    createPyodideModule,
  });
}

async function start(mode, runtime) {
  const started = performance.now();
  const snapshotMode = mode === "snapshot";
  usePrecompiledWasm(compileWasm(runtime, snapshotMode ? fromPage("wasm").promise : null));
  const downloads = snapshotMode ? snapshotDownloads(runtime) : null;
  // Both modules at once: loadPyodide would import pyodide.asm.mjs only after pyodide.mjs.
  const [{ loadPyodide }, { default: createPyodideModule }] = await Promise.all([
    import(new URL("pyodide.mjs", RUNTIME).href),
    import(new URL("pyodide.asm.mjs", RUNTIME).href),
  ]);
  const load = snapshotMode ? loadSnapshot : loadPlain;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), LOAD_TIMEOUT_MS);
  });
  try {
    const pyodide = await Promise.race([load(loadPyodide, runtime, downloads, createPyodideModule), wasmFailure, timeout]);
    pyodide.runPython(GLUE);
    checkFunction = pyodide.globals.get("key_checker_check");
    // Prove it answers before saying so (a snapshot that restored but cannot check fails here).
    JSON.parse(checkFunction("", "en", null));
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - started;
}

function describe(error) {
  const python = error && error.constructor && error.constructor.name === "PythonError";
  return { kind: python ? "python" : "js", name: (python ? error.type : error && error.name) || "Error" };
}

self.onmessage = async ({ data }) => {
  if (data.type === "bytes") {
    const slot = fromPage(data.name);
    if (data.value) slot.resolve(data.value);
    else slot.reject(new Error(`the page could not fetch ${data.name}`));
  } else if (data.type === "init") {
    try {
      const ms = await start(data.mode, data.runtime);
      self.postMessage({ type: "ready", mode: data.mode, ms });
      if (afterReady) await afterReady().catch(() => {});
    } catch (error) {
      self.postMessage({ type: "failed", mode: data.mode, error: describe(error) });
    }
  } else if (data.type === "check") {
    try {
      const result = JSON.parse(checkFunction(data.text, data.lang, data.expect || null));
      self.postMessage({ id: data.id, type: "result", result });
    } catch (error) {
      self.postMessage({ id: data.id, type: "error", error: describe(error) });
    }
  }
};
