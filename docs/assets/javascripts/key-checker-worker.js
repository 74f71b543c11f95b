// The key checker's Web Worker (a module worker): it owns Pyodide and the checker.
//
// Messages are plain objects. In: {type: "init", mode: "auto"|"plain", runtime, port,
// wasmFormat} ("auto": the start key-checker-unpacker.js chooses, reached through `port`,
// see below; wasmFormat, "gzip"|"zstd"|"raw": which copy of the binary a plain start fetches),
// then {id, type: "check", text, lang,
// expect, length}. Out: {type: "progress", step} as the start goes on (key-checker.js's
// watchdog moves to the next start when these stop coming), {type: "ready", mode, ms} or
// {type: "failed", mode, error}, then {id, type: "result", result} or {id, type: "error",
// error}. Errors travel as data ({kind: "python"|"js", name}); no message text that
// could quote the key ever leaves this worker, and nothing is logged.
//
// Two ways to start; in "auto", a second worker, key-checker-unpacker.js
// (overrides/partials/key-checker-start.js starts both), chooses one by the connection,
// downloads its files, inflates them, compiles the binary on the other core and hands
// them over through `port` while this one imports and sets Pyodide up:
// - "snapshot": the memory snapshot made at build time (tools/make_snapshot.mjs) with the
//   checker already imported, in a container without the pages that are zero or that a
//   fresh instance already holds (tools/snapshot_container.py), gzipped;
// - "plain": loadPyodide({lockFileURL, packages}), which imports the stdlib (bytecode,
//   tools/compile_stdlib.mjs) and checks the wheel's sha256 from the lock file.
// The page falls back to a plain start in a fresh worker, with no port (this worker then
// fetches and inflates the files itself: from the HTTP cache, where the first start got
// them), on any failure.

// Nothing is logged: Pyodide itself writes to the console when a start fails ("wasm
// instantiation failed!" and the error), and Python's output could quote the key.
for (const level of ["debug", "log", "info", "warn", "error", "trace", "dir", "table"]) console[level] = () => {};

function progress(step) {
  self.postMessage({ type: "progress", step });
}

// A step the engine works on while this thread waits (instantiating the binary: 2-3 s in
// WebKit on a busy machine): the same step again every TICK_MS while it lasts, so the
// page's watchdog does not take a busy machine for a stall. Steps that only wait on
// another worker do not tick: a message lost there must still show as a stall.
const TICK_MS = 250;
async function ticking(step, promise) {
  progress(step);
  const timer = setInterval(() => progress(step), TICK_MS);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

// Pyodide (Emscripten) puts each JavaScript function it imports into the WebAssembly
// table by compiling a tiny module around it: 260 modules of 29 distinct kinds, 25-35 ms
// of this worker's start. The same bytes compile to the same module, so each kind is
// compiled once here and reused; every use still makes its own instance.
const compiledOnce = new Map();
WebAssembly.Module = new Proxy(WebAssembly.Module, {
  construct(target, args, newTarget) {
    const bytes = args[0];
    if (!(bytes instanceof Uint8Array) || bytes.length > 256) return Reflect.construct(target, args, newTarget);
    const key = String.fromCharCode(...bytes);
    let module = compiledOnce.get(key);
    if (!module) compiledOnce.set(key, (module = Reflect.construct(target, args, newTarget)));
    return module;
  },
});

// The runtime's content-hashed folder, relative to assets/, comes in this worker's URL
// (?runtime=pyodide/HASH/, from the page's runtime settings).
const RUNTIME = new URL(`../${new URL(import.meta.url).searchParams.get("runtime")}`, import.meta.url);
const WASM = new URL("pyodide.asm.wasm", RUNTIME).href;
// The snapshot holds every module of the stdlib zip (tools/make_snapshot.mjs), so the
// snapshot start mounts a zip with no entries, made here, instead of downloading it.
const NO_STDLIB = new URL("no-stdlib.zip", RUNTIME).href;
const EMPTY_ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
// The plain start's stdlib, as loadPyodide asks for it; it is served zstd-compressed.
const STDLIB = new URL("python_stdlib.zip", RUNTIME).href;

// Pyodide's two modules, imported as soon as this worker runs, before "init" arrives: the
// page's messages reach a new worker only once the page's thread gets to them (50 ms and
// more while the page loads).
const modules = Promise.all([
  // Published as .js (overrides/hooks/key_checker.py): stock nginx has no type for .mjs.
  import(new URL("pyodide.js", RUNTIME).href),
  import(new URL("pyodide.asm.js", RUNTIME).href),
]);
modules.catch(() => {});

let checkFunction = null;
let afterReady = null; // work that can wait until the page has heard "ready"
let wasmFailure = null; // rejects when the WebAssembly binary cannot be had
let instanceMemory = null; // the instance's WebAssembly.Memory, once instantiated

// What key-checker-unpacker.js hands over: {type: "unpacked", name: "wasm", value} (a
// compiled WebAssembly.Module), {type: "unpacked", name: "snapshot", value} (the inflated
// container, an ArrayBuffer) or {type: "unpacked", name, error: true}.
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

// The engine's fetch, kept before usePrecompiledWasm() replaces self.fetch for Pyodide's
// sake: this worker's own downloads must never get the stand-ins meant for Pyodide (the
// last fallback, the plain binary, once did and failed to compile: issue 19).
const realFetch = self.fetch.bind(self);

async function fetchOk(url, integrity) {
  const response = await realFetch(url, integrity ? { integrity } : {});
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return response;
}

// A compressed runtime file (SRI-checked), inflated as it comes: "gzip" natively, "zstd" in
// JavaScript (zstd-stream.js).
async function fetchInflated(name, integrity, format) {
  // Imported only here, with the download: the snapshot start never needs it.
  const zstd = format === "zstd" ? import("./zstd-stream.js") : null;
  zstd?.catch(() => {});
  const response = await fetchOk(new URL(name, RUNTIME), integrity);
  if (format === "gzip") {
    if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
    return response.body.pipeThrough(new DecompressionStream("gzip"));
  }
  return response.body.pipeThrough(await (await zstd).zstdDecompression(RUNTIME));
}

// The WebAssembly binary, compiled as soon as its bytes are here, not when loadPyodide
// gets to it: by the unpacker, or here from the copy the failed start had (`format`:
// "gzip", "zstd", or "raw", the binary's own URL, which the host compresses), else from
// the binary's own URL.
function compileWasm(runtime, compiled, format) {
  const plainFile = () => WebAssembly.compileStreaming(fetchOk(WASM, runtime.wasmRawIntegrity));
  if (compiled) return compiled.catch(plainFile);
  if (format === "raw") return plainFile();
  return (format === "gzip"
    ? fetchInflated(runtime.wasm, runtime.wasmIntegrity, "gzip")
    : fetchInflated(runtime.wasmZst, runtime.wasmZstIntegrity, "zstd"))
    .then((body) => WebAssembly.compileStreaming(new Response(body, { headers: { "Content-Type": "application/wasm" } })))
    .catch(plainFile);
}

// Make Pyodide instantiate the module compiled above; its own fetch of the binary gets
// an empty stand-in, its fetch of the stdlib what `stdlib()` gives (the zip's bytes). A
// failure ends the start at once instead of Pyodide waiting forever.
function usePrecompiledWasm(module, stdlib) {
  const STAND_IN = Symbol("precompiled");
  wasmFailure = module.then(() => new Promise(() => {}));
  wasmFailure.catch(() => {});
  self.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url, RUNTIME).href === NO_STDLIB) return Promise.resolve(new Response(EMPTY_ZIP));
    if (new URL(url, RUNTIME).href === STDLIB) return stdlib().then((bytes) => new Response(bytes));
    if (new URL(url, RUNTIME).href !== WASM) return realFetch(input, init);
    const response = new Response(new Uint8Array(0), { headers: { "Content-Type": "application/wasm" } });
    response[STAND_IN] = true;
    return Promise.resolve(response);
  };
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    if (!(await source)[STAND_IN]) return instantiateStreaming(source, imports);
    const compiled = await module;
    const instance = await ticking("instantiating", WebAssembly.instantiate(compiled, imports));
    instanceMemory = instance.exports.memory;
    return { module: compiled, instance };
  };
}

// The snapshot travels in a container (tools/snapshot_container.py, which documents the
// layout), gzipped: its zero pages are left out, and so are the pages a fresh instance's
// memory already holds (its data segments), copied here from `fresh` (that memory, as
// Pyodide calls fsInit: instantiated, not yet restored). decodeSnapshot rebuilds the exact
// original bytes into `out` (zero-filled, the snapshot's length); a checksum of the copied
// pages proves `fresh` is the memory the container was made against.
const CONTAINER_MAGIC = "PYSNAPZ2";
const HEADER_BYTES = 32;
const [ZERO, STORED, INITIAL] = [0, 1, 2];

function checksum(words, h) {
  for (let i = 0; i < words.length; i++) h = (Math.imul(h ^ words[i], 0x9e3779b1) + 1) >>> 0;
  return h;
}

function decodeSnapshot(bytes, out, fresh) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || String.fromCharCode(...bytes.subarray(0, 8)) !== CONTAINER_MAGIC) throw new Error("not a snapshot container");
  const rawLength = Number(view.getBigUint64(8, true));
  const pageSize = view.getUint32(16, true);
  const pages = view.getUint32(20, true);
  const memoryOffset = view.getUint32(24, true);
  const expected = view.getUint32(28, true);
  if (rawLength !== out.length || !pageSize || pageSize % 4 || pages !== Math.ceil(rawLength / pageSize)) throw new Error("bad container header");
  const kinds = bytes.subarray(HEADER_BYTES, HEADER_BYTES + Math.ceil(pages / 4));
  let offset = HEADER_BYTES + kinds.length;
  let sum = 0;
  let ticked = performance.now();
  for (let i = 0; i < pages; i++) {
    if (performance.now() - ticked > TICK_MS) { // seconds on a busy machine: see ticking()
      ticked = performance.now();
      progress("restoring");
    }
    const kind = (kinds[i >> 2] >> (2 * (i & 3))) & 3;
    const start = i * pageSize;
    const length = Math.min(pageSize, rawLength - start);
    if (kind === STORED) {
      if (offset + length > bytes.length) throw new Error("container too short");
      out.set(bytes.subarray(offset, offset + length), start);
      offset += length;
    } else if (kind === INITIAL) {
      const source = start - memoryOffset;
      if (length !== pageSize || source < 0 || source + pageSize > fresh.length) throw new Error("copied page outside the fresh memory");
      out.set(fresh.subarray(source, source + pageSize), start);
      sum = checksum(new Uint32Array(out.buffer, out.byteOffset + start, pageSize / 4), sum);
    } else if (kind !== ZERO) {
      throw new Error("bad page kind");
    }
  }
  if (offset !== bytes.length) throw new Error("container too long");
  if (sum !== expected) throw new Error("the fresh memory is not the one the container was made against");
}

// loadPyodide gets the snapshot's (still empty) memory at once, so it compiles and sets
// up the runtime while the bytes arrive; fsInit (an Emscripten run dependency, called
// after instantiation, before the restore) fills that memory in once they are here.
function snapshotDownloads(runtime) {
  const memory = new Uint8Array(runtime.snapshotBytes);
  const container = unpacked("snapshot").promise;
  let fill;
  const filled = new Promise((resolve, reject) => {
    fill = () => container.then((buffer) => {
      decodeSnapshot(new Uint8Array(buffer), memory, new Uint8Array(instanceMemory.buffer));
    }).then(resolve, reject);
  });
  const wheel = fetchOk(new URL(runtime.wheel, RUNTIME), runtime.wheelIntegrity).then((r) => r.arrayBuffer());
  filled.catch(() => {});
  wheel.catch(() => {});
  return { memory, container, fill, filled, wheel };
}

async function loadSnapshot(loadPyodide, runtime, { memory, container, fill, filled, wheel }, createPyodideModule) {
  // A snapshot that fails its SRI check or does not decode ends this start at once
  // (then the page falls back to the plain load).
  const pyodide = await Promise.race([
    loadPyodide({
      indexURL: RUNTIME.href,
      lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
      stdLibURL: NO_STDLIB,
      _loadSnapshot: memory,
      stdout: () => {},
      stderr: () => {},
      fsInit: () => {
        progress("restoring");
        fill();
        return filled.catch(() => new Promise(() => {}));
      },
      createPyodideModule,
    }),
    Promise.all([container, filled]).then(() => new Promise(() => {})),
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
    stdLibURL: STDLIB,
    packages: [runtime.package],
    createPyodideModule,
    stdout: () => {},
    stderr: () => {},
  });
}

// The start key-checker-unpacker.js chose, from `port`; what it hands over goes to unpacked().
function listenToUnpacker(port) {
  let chosen;
  const mode = new Promise((resolve) => { chosen = resolve; });
  port.onmessage = ({ data }) => {
    if (data.type === "mode") {
      chosen(data.mode);
      return;
    }
    // Said back at once, so the unpacker can close (and not before: see key-checker-unpacker.js).
    port.postMessage({ type: "received", name: data.name });
    progress(`received:${data.name}`);
    const slot = unpacked(data.name);
    if (data.error) slot.reject(new Error(`the unpacker could not unpack ${data.name}`));
    else slot.resolve(data.value);
  };
  return mode;
}

async function start(requested, runtime, port, wasmFormat) {
  const started = performance.now();
  if (requested === "auto" && !port) throw new Error("the chosen start needs the unpacker's port");
  const mode = requested === "auto" ? await listenToUnpacker(port) : requested;
  const snapshotMode = mode === "snapshot";
  usePrecompiledWasm(
    compileWasm(runtime, port ? unpacked("wasm").promise : null, wasmFormat),
    () => (port ? unpacked("stdlib").promise
      : fetchInflated(runtime.stdlib, runtime.stdlibIntegrity, "zstd").then((body) => new Response(body).arrayBuffer())),
  );
  const downloads = snapshotMode ? snapshotDownloads(runtime) : null;
  // Both modules, imported together as soon as this worker started (loadPyodide would
  // import "pyodide.asm.mjs", a name the site does not publish, and only after pyodide.js).
  const [{ loadPyodide }, { default: createPyodideModule }] = await modules;
  progress("modules");
  const load = snapshotMode ? loadSnapshot : loadPlain;
  // No timeout here: the page's watchdog ends a start that stops making progress.
  const pyodide = await Promise.race([load(loadPyodide, runtime, downloads, createPyodideModule), wasmFailure]);
  progress("checker");
  // checker.web.check_json: diagnose() plus the corrected positions, as JSON text. The
  // snapshot was taken with it imported; the plain start imports it from the wheel.
  checkFunction = pyodide.pyimport("checker.web").check_json;
  // Prove it answers before saying so (a snapshot that restored but cannot check fails here).
  JSON.parse(checkFunction("", "en", null));
  return { mode, ms: performance.now() - started };
}

function describe(error) {
  const python = error && error.constructor && error.constructor.name === "PythonError";
  return { kind: python ? "python" : "js", name: (python ? error.type : error && error.name) || "Error" };
}

self.onmessage = async ({ data }) => {
  if (data.type === "init") {
    try {
      const { mode, ms } = await start(data.mode, data.runtime, data.port, data.wasmFormat);
      self.postMessage({ type: "ready", mode, ms });
      if (afterReady) await afterReady().catch(() => {});
    } catch (error) {
      self.postMessage({ type: "failed", mode: data.mode, error: describe(error) });
    }
  } else if (data.type === "check") {
    try {
      // `length`: the whole input's, when the page handed over only its beginning.
      const result = JSON.parse(checkFunction(data.text, data.lang, data.expect || null, data.length ?? null));
      self.postMessage({ id: data.id, type: "result", result });
    } catch (error) {
      self.postMessage({ id: data.id, type: "error", error: describe(error) });
    }
  }
};
