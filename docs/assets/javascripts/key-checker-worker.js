// The key checker's Web Worker (a module worker): it owns Pyodide and the checker.
//
// Messages are plain objects. In: {type: "init", mode: "snapshot"|"plain", runtime, port}
// (the port only in the snapshot mode: see below), then {id, type: "check", text, lang,
// expect}. Out: {type: "ready", mode, ms} or
// {type: "failed", mode, error}, then {id, type: "result", result} or {id, type: "error",
// error}. Errors travel as data ({kind: "python"|"js", name}); no message text that
// could quote the key ever leaves this worker, and nothing is logged.
//
// Two ways to start:
// - "snapshot": the memory snapshot made at build time (tools/make_snapshot.mjs) with the
//   checker already imported, in a sparse container (no zero pages), gzipped. The page
//   fetches it and the gzipped binary with their SRI hashes
//   (overrides/partials/key-checker-start.js); a second worker, key-checker-unpacker.js,
//   inflates both and compiles the binary on the other core, and hands them over through
//   `port` while this one imports and sets Pyodide up.
// - "plain": loadPyodide({lockFileURL, packages}), which checks the wheel's sha256
//   from the lock file. The page falls back to it, in a fresh worker, on any failure.

const RUNTIME = new URL("../pyodide/", import.meta.url);
const WASM = new URL("pyodide.asm.wasm", RUNTIME).href;
const LOAD_TIMEOUT_MS = 60000;

// Pyodide's two modules, imported at once: the page's "init" message reaches a new worker
// only once the page's thread gets to it (50 ms and more while the page loads).
const modules = Promise.all([
  import(new URL("pyodide.mjs", RUNTIME).href),
  import(new URL("pyodide.asm.mjs", RUNTIME).href),
]);
modules.catch(() => {});

let checkFunction = null;
let afterReady = null; // work that can wait until the page has heard "ready"
let wasmFailure = null; // rejects when the WebAssembly binary cannot be had

// What key-checker-unpacker.js hands over: {type: "unpacked", name: "wasm", value} (a
// compiled WebAssembly.Module), {type: "unpacked", name: "snapshot", value} (the inflated
// sparse container, an ArrayBuffer) or {type: "unpacked", name, error: true}.
const handed = {};
function unpacked(name) {
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
// gets to it: by the unpacker (the snapshot start) or here from the gzipped copy (3.5 MB,
// SRI-checked), else from the plain file.
function compileWasm(runtime, compiled) {
  const module = compiled || fetchOk(new URL(runtime.wasm, RUNTIME), runtime.wasmIntegrity)
    .then((r) => WebAssembly.compileStreaming(
      new Response(gunzip(r.body), { headers: { "Content-Type": "application/wasm" } })));
  return module.catch(() => WebAssembly.compileStreaming(fetchOk(WASM)));
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
// half of Pyodide's memory is zero pages, which are then never inflated. decodeSparse
// rebuilds the exact original bytes into `out` (zero-filled, the snapshot's length). Layout, little-endian: magic (8 bytes), raw length (u64), page
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
  const filled = unpacked("snapshot").promise
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

async function start(mode, runtime, port) {
  const started = performance.now();
  const snapshotMode = mode === "snapshot";
  if (snapshotMode) {
    if (!port) throw new Error("the snapshot start needs the unpacker's port");
    port.onmessage = ({ data }) => {
      const slot = unpacked(data.name);
      if (data.error) slot.reject(new Error(`the unpacker could not unpack ${data.name}`));
      else slot.resolve(data.value);
    };
  }
  usePrecompiledWasm(compileWasm(runtime, snapshotMode ? unpacked("wasm").promise : null));
  const downloads = snapshotMode ? snapshotDownloads(runtime) : null;
  // Both modules, imported together (loadPyodide would import pyodide.asm.mjs only after
  // pyodide.mjs) as soon as this worker started.
  const [{ loadPyodide }, { default: createPyodideModule }] = await modules;
  const load = snapshotMode ? loadSnapshot : loadPlain;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), LOAD_TIMEOUT_MS);
  });
  try {
    const pyodide = await Promise.race([load(loadPyodide, runtime, downloads, createPyodideModule), wasmFailure, timeout]);
    // checker.web.check_json: diagnose() plus the corrected positions, as JSON text. The
    // snapshot was taken with it imported; the plain start imports it from the wheel.
    checkFunction = pyodide.pyimport("checker.web").check_json;
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
  if (data.type === "init") {
    try {
      const ms = await start(data.mode, data.runtime, data.port);
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
