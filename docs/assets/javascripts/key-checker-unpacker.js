// The key checker's second worker: it chooses how the runtime starts, downloads that
// start's big files and unpacks them, on the other core, while key-checker-worker.js
// imports and sets Pyodide up. Downloading here, not on the page, keeps the page's
// thread free (their SRI hashes checked and bodies read there counted in Lighthouse's
// total blocking time).
//
// The choice (issue 12). The snapshot start downloads the binary and the memory snapshot
// gzipped (3.4 + 2.9 MB) and is ready 0.5 s after the last byte, the browser inflating
// them natively; the plain start downloads the binary and the stdlib zstd-compressed
// (2.9 + 1.0 MB) and is ready about 1.5 s after (inflating zstd in JavaScript, importing
// the stdlib). Below about 20 Mbit/s the 2.4 MB more take longer than the CPU they save:
// - the snapshot already in the HTTP cache (a return visit): the snapshot start;
// - the stdlib in the cache, not the snapshot (the last visit started plain): plain;
// - otherwise the checker's wheel (33 kB, which both starts need) is fetched and timed:
//   within FAST_PROBE_MS (loopback and LAN: a few ms; cable, 20 ms away: 25 ms; 4G:
//   115 ms and more) the snapshot start, else the plain one. navigator.connection is not
//   used: Firefox and Safari have none, and Chromium's says "1.5 Mbit/s" until it has
//   measured something.
//
// Which copy of the binary (issue 22): the binary's own URL (pyodide.asm.wasm) where the
// host compresses it, else the start's own copy (gzip or zstd, made at build time):
// - a copy already in the HTTP cache, the binary's own first (a return visit: 0 bytes),
//   compiled from the cached response itself (compileCached());
// - else the binary's own URL is asked for, and taken if the host sends it compressed
//   (Content-Encoding) at least as small as the start's copy: any encoding for the
//   snapshot start (gzip is what it has), brotli or zstd for the plain one (nginx
//   brotli_static and Caddy precompressed serve the build's .br: 2.77 MB, zstd 2.89 MB).
//   The browser inflates it natively: no JavaScript zstd;
// - else that request is dropped once its headers are here, and the start's copy fetched.
//
// Files come in this worker's URL (overrides/partials/key-checker-start.js):
// ?runtime=pyodide/HASH/&wasm=FILE&wasmIntegrity=SRI&wasmZst=…&wasmRaw=…&snapshot=…
// &stdlib=…(each with its Integrity)&wasmRawBytes=N&wheel=FILE [&start=snapshot|plain: a
// start chosen beforehand, for the benchmarks and tests].
// In, from the page: {type: "port", port}, sent once the page has started up: only then
// does the CPU work (inflating, compiling) begin; {type: "ready"} once the checker is ready
// (the files unpacked then go to the runtime's store: see store()).
// Out, on the port (to key-checker-worker.js): {type: "mode", mode} (the start chosen),
// then {type: "unpacked", name, value} for "wasm" (a compiled WebAssembly.Module) and
// "snapshot" or "stdlib" (the inflated bytes, an ArrayBuffer, transferred), or {type:
// "unpacked", name, error: true}; back from the worker: {type: "received", name}. It
// closes itself only once the worker has said it received both: Firefox drops a message
// still on its way through a MessagePort (the compiled module) when the sending worker
// closes right after posting it, and the start then waited forever (issue 15); and, when
// it kept files for the store, once they are stored.
// Out, to the page: {type: "stored"} once the runtime's store holds a start's files (see
// store()); {type: "progress", step: "mode", name: mode, probeMs} once chosen
// (probeMs: the wheel's time, when it was timed); {type: "progress", step: "binary", name:
// "stored"|"raw"|"gzip"|"zstd"|"raw-br"|"raw-gzip"|…, cached} the copy of the binary taken;
// {type: "progress", step: "downloading", name, bytes, share} while a file downloads
// (share: how much of it, 0 to 1, when bytes count the inflated file), then
// {type: "progress", step: "downloaded"|"unpacking"|"unpacked", name} (key-checker.js's
// watchdog and progress).

const files = new URL(self.location.href).searchParams;
const RUNTIME = new URL(`../${files.get("runtime")}`, self.location.href); // pyodide/HASH/
const FAST_PROBE_MS = 80;
const TICK_MS = 250;

let pageReady; // resolves when the page says the checker is ready: see store()
const readyHeard = new Promise((resolve) => { pageReady = resolve; });
const portReady = new Promise((resolve) => {
  self.onmessage = ({ data }) => {
    if (data.type === "port") resolve(data.port);
    if (data.type === "ready") pageReady();
  };
});
// zstd-stream.js, imported only once the plain start (the one with zstd files) is chosen.
let zstd = null;
function zstdStream() {
  zstd ??= import("./zstd-stream.js");
  return zstd;
}

function fileURL(name) {
  return new URL(files.get(name), RUNTIME);
}

// A response from the HTTP cache alone (never the network), or null; null too where the
// engine has no such cache mode (it would fetch instead) or takes over CACHE_PROBE_MS to
// say (a cache lookup takes a few ms; something in between, an extension or a test's
// interception, may hold the request).
const CACHE_PROBE_MS = 300;
async function cached(name) {
  const request = new Request(fileURL(name), { cache: "only-if-cached", mode: "same-origin" });
  if (request.cache !== "only-if-cached") return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CACHE_PROBE_MS);
  try {
    const response = await fetch(request, { signal: controller.signal });
    return response.ok ? response : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

// The binary's own URL, when the host sends it compressed with one of `encodings`; else
// null (the request dropped once its headers are here).
async function rawBinary(encodings) {
  const controller = new AbortController();
  try {
    const response = await fetch(fileURL("wasmRaw"), { signal: controller.signal });
    const encoding = (response.headers.get("Content-Encoding") || "").trim().toLowerCase();
    if (response.ok && encodings.includes(encoding)) return { response, encoding };
  } catch {
    // not there, or the network failed: the start's own copy then
  }
  controller.abort();
  return null;
}

// Encodings of the binary's own URL at least as small as each start's own copy.
const RAW_ENCODINGS = { snapshot: ["br", "zstd", "gzip", "x-gzip"], plain: ["br", "zstd"] };

// Each copy of the binary in the HTTP cache (a response, or null), looked up at once, while
// the start is chosen.
let inCache = null;
function lookUpBinaries() {
  inCache ??= Object.fromEntries(["wasmRaw", "wasm", "wasmZst"].map((file) => [file, cached(file)]));
  return inCache;
}

// {file, format, response, copy, cached}: the copy of the binary the `mode` start takes
// (see the top of this file).
async function binary(mode) {
  const [own, format] = FILES.wasm[mode];
  const found = lookUpBinaries();
  const [raw, ownCached] = await Promise.all([found.wasmRaw, found[own]]);
  const taking = raw || ownCached;
  for (const file of Object.keys(found)) { // the cached copies not taken: their bodies released
    found[file].then((response) => response && response !== taking && response.body.cancel().catch(() => {}));
  }
  if (raw) { // compiled from the binary's own URL: see compileCached()
    raw.body.cancel().catch(() => {});
    return { file: "wasmRaw", format: "identity", response: null, copy: "raw", cached: true, whole: true };
  }
  if (ownCached) return { file: own, format, response: ownCached, copy: format, cached: true };
  const fetched = await rawBinary(RAW_ENCODINGS[mode]);
  if (fetched) return { file: "wasmRaw", format: "identity", response: fetched.response, copy: `raw-${fetched.encoding}`, cached: false };
  return { file: own, format, response: null, copy: format, cached: false };
}

// How long the wheel takes to come, in ms: from the request to its last byte as Resource
// Timing has it (a busy thread here does not count), else as this thread saw it.
async function timeTheWheel() {
  const url = fileURL("wheel");
  const started = performance.now();
  await (await fetch(url)).arrayBuffer();
  const ended = performance.now();
  const entry = performance.getEntriesByName(url.href).at(-1);
  return entry && entry.requestStart > 0 ? entry.responseEnd - entry.requestStart : ended - started;
}

// Bytes as they come, to the page every TICK_MS (its watchdog gives a start whose download
// stopped up), and the body for unpacking while it comes: the binary compiles and a file
// inflates as its bytes arrive, not after the last one (issue 22). So the body is read
// here, in two branches (a tee): one counts the bytes and checks the file's SRI hash once
// it is all here (`checked`), the other is `body`, unpacked meanwhile; what it gives is
// handed over only once `checked` holds (deliver()), so no unchecked byte is ever run.
// Where the page has no crypto.subtle (an http:// host other than loopback) the browser
// checks the hash itself (a fetch with `integrity` gives the body only once it is all
// here), by steps. `file`: its parameter in this worker's URL; `name`: what progress calls it.
async function download(name, file, response = null) {
  const integrity = files.get(`${file}Integrity`);
  if (!(self.crypto && crypto.subtle)) {
    if (response) response.body.cancel().catch(() => {}); // fetched again, checked by the browser
    self.postMessage({ type: "progress", step: "fetching", name });
    const checked = await fetch(fileURL(file), { integrity });
    if (!checked.ok) throw new Error(`HTTP ${checked.status}`);
    self.postMessage({ type: "progress", step: "downloaded", name });
    return { body: checked.body, checked: Promise.resolve() };
  }
  response = response || await fetch(fileURL(file));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const [counted, body] = response.body.tee();
  // The binary's own URL comes inflated by the browser: its share, not its bytes, says how far.
  const total = Number(files.get(`${file}Bytes`)) || null;
  return { body, checked: countAndCheck(name, counted, integrity, total) };
}

async function countAndCheck(name, stream, integrity, total) {
  const report = (bytes) => self.postMessage({ type: "progress", step: "downloading", name, bytes,
                                               share: total ? Math.min(1, bytes / total) : null });
  report(0);
  const chunks = [];
  let bytes = 0;
  let ticked = performance.now();
  for (const reader = stream.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    if (performance.now() - ticked > TICK_MS) {
      ticked = performance.now();
      report(bytes);
    }
  }
  await checkIntegrity(await new Blob(chunks).arrayBuffer(), integrity);
  self.postMessage({ type: "progress", step: "downloaded", name });
}

// An SRI string ("sha256-BASE64", the build's) against the bytes.
async function checkIntegrity(body, integrity) {
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm.replace("sha", "SHA-"), body));
  if (btoa(String.fromCharCode(...digest)) !== expected) throw new Error("integrity");
}

// While a file inflates (and the binary compiles as it streams), a tick to the page every
// TICK_MS: on a slow or busy machine this is seconds of CPU work, and the page's watchdog
// must not take it for a stall.
async function inflate(body, name, format) {
  let ticked = performance.now();
  const ticking = new TransformStream({
    transform(chunk, controller) {
      if (performance.now() - ticked > TICK_MS) {
        ticked = performance.now();
        self.postMessage({ type: "progress", step: "unpacking", name });
      }
      controller.enqueue(chunk);
    },
  });
  let decompression;
  if (format === "identity") {
    return body.pipeThrough(ticking); // the browser inflated it (its Content-Encoding)
  } else if (format === "zstd") {
    decompression = await (await zstdStream()).zstdDecompression(RUNTIME);
  } else {
    if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
    decompression = new DecompressionStream("gzip");
  }
  return body.pipeThrough(decompression).pipeThrough(ticking);
}

// The runtime's store (issue 22): a return visit read the binary and the snapshot from the
// HTTP cache (0 bytes, yet 9.6 MB to inflate from brotli and hash, 3 MB to inflate: 0.3 s
// of this thread on a 2-core machine), so once a start is ready the files it unpacked are
// kept, as they were handed over (the binary, the snapshot container or the stdlib,
// inflated, their hash already checked), in a Cache Storage cache named after the runtime's
// content hash: reading them back takes a few ms, and the binary still compiles from a
// response. Runtime files only (never the key; the name holds only the runtime's hash),
// written after the page said "ready" (not while the worker sets Pyodide up), the
// caches of older runtimes removed then; where Cache Storage is missing (http:// hosts
// other than loopback, file://) or refused (private windows), none of this happens.
const STORE_PREFIX = "key-checker-runtime-";
const STORE = STORE_PREFIX + files.get("runtime").split("/").filter(Boolean).pop();
const STORED = { wasm: "pyodide.asm.wasm", snapshot: "snapshot.bin", stdlib: "python_stdlib.zip" };
const storage = (() => {
  try {
    return self.isSecureContext && self.caches ? self.caches : null;
  } catch {
    return null;
  }
})();
const kept = {}; // name -> Blob: what this start unpacked and checked, for store()
let storeWontKeep = false; // see fromStore()

function storedURL(name) {
  return new URL(`stored/${STORED[name]}`, RUNTIME).href;
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

// {mode, wasm, second} (responses) where the store holds a start's two files; `forced`,
// a start chosen beforehand, takes only its own; else null, also when the store takes over
// STORE_PROBE_MS to answer (WebKit: 0.1-0.25 s while the page starts; where nothing is
// stored, one lookup of a few ms).
const STORE_PROBE_MS = 1000;
async function fromStore(forced) {
  if (!storage) return null;
  const lookUp = async () => {
    if (!(await storage.has(STORE))) return null;
    // Stored before, yet not there: an engine that drops what a worker stored (WebKitGTK's
    // automation sessions, when the storing worker is gone), so not stored again.
    storeWontKeep = true;
    const cache = await storage.open(STORE);
    const wasm = await cache.match(storedURL("wasm"));
    if (!wasm) return null;
    storeWontKeep = false;
    for (const mode of forced ? [forced] : ["snapshot", "plain"]) {
      const second = await cache.match(storedURL(mode === "snapshot" ? "snapshot" : "stdlib"));
      if (second) return { mode, wasm, second };
    }
    wasm.body.cancel().catch(() => {});
    return null;
  };
  try {
    return await withTimeout(lookUp(), STORE_PROBE_MS);
  } catch {
    return null; // no store, or too slow to say: the files come as on a first visit
  }
}

async function forgetStore() {
  try {
    await storage.delete(STORE);
  } catch {
    // nothing more to do: the next visit takes the HTTP cache
  }
}

// Once the page has said "ready": the files kept, into the store; older runtimes' stores
// removed. Resolves when done (or there was nothing to do).
async function store(second) {
  await readyHeard;
  if (!storage || storeWontKeep || !kept.wasm || !kept[second]) return;
  try {
    for (const name of await storage.keys()) {
      if (name.startsWith(STORE_PREFIX) && name !== STORE) await storage.delete(name);
    }
    const cache = await storage.open(STORE);
    await cache.put(storedURL(second), new Response(kept[second]));
    // The binary last: fromStore() takes a start only when it finds the binary too.
    await cache.put(storedURL("wasm"), new Response(kept.wasm, { headers: { "Content-Type": "application/wasm" } }));
    self.postMessage({ type: "stored" });
  } catch {
    await forgetStore(); // a part stored is no use
  }
}

// A stored file, handed to the worker as deliver() does: the binary compiled from its
// response, the snapshot or the stdlib as their bytes. A stored file that fails is
// forgotten (the worker then fetches its own, or the page falls back to the plain start).
function deliverStored(name, response) {
  self.postMessage({ type: "progress", step: "downloaded", name });
  const value = name === "wasm" ? WebAssembly.compileStreaming(response) : response.arrayBuffer();
  value.catch(() => forgetStore());
  portReady.then((port) => value.then(
    (unpackedValue) => hand(port, name, unpackedValue),
    () => port.postMessage({ type: "unpacked", name, error: true }),
  ));
  return value.then(() => {});
}

// Hands `value` to the worker (an ArrayBuffer is transferred).
function hand(port, name, value) {
  try {
    port.postMessage({ type: "unpacked", name, value }, value instanceof ArrayBuffer ? [value] : []);
  } catch { // an engine that cannot post a compiled module: the worker compiles its own
    port.postMessage({ type: "unpacked", name, error: true });
    return;
  }
  self.postMessage({ type: "progress", step: "unpacked", name });
}

// By name, for each start: [the file (its parameter in this worker's URL), its compression].
const FILES = {
  wasm: { snapshot: ["wasm", "gzip"], plain: ["wasmZst", "zstd"] },
  snapshot: { snapshot: ["snapshot", "gzip"] },
  stdlib: { plain: ["stdlib", "zstd"] },
};
// Each gives {value, copy}: what the worker gets, and a Blob of the inflated bytes for the
// store (or null).
const unpack = {
  wasm: async (body, format) => {
    let stream = await inflate(body, "wasm", format);
    let copy = null;
    if (storage) { // a second branch of the inflated bytes, for the store
      const [compiling, copied] = stream.tee();
      stream = compiling;
      copy = new Response(copied).blob();
      copy.catch(() => {}); // a failed download or compile: nothing to keep
    }
    const value = await WebAssembly.compileStreaming(new Response(stream, { headers: { "Content-Type": "application/wasm" } }));
    return { value, copy: copy && await copy };
  },
  snapshot: async (body, format) => inflated(await inflate(body, "snapshot", format)),
  stdlib: async (body, format) => inflated(await inflate(body, "stdlib", format)),
};

async function inflated(stream) {
  const value = await new Response(stream).arrayBuffer();
  return { value, copy: storage ? new Blob([value]) : null }; // copied before the transfer empties it
}

// A return visit's binary, its own URL in the HTTP cache, where nothing is stored yet
// (issue 22): compiled from the cached response itself (no inflating or tee here), while
// a clone of it is hashed against the build's SRI; the module is handed over only once
// the hash holds. The clone is the browser's own, not a JavaScript tee: 0.1 s less on
// this thread, and less than a fetch with `integrity`, which compiles nothing before the
// hash is checked. Gives {checked, value: {value, copy}}, as unpack does.
function compileCached(file) {
  self.postMessage({ type: "progress", step: "fetching", name: "wasm" });
  if (!(self.crypto && crypto.subtle)) { // the browser checks the hash (see download())
    const compiled = WebAssembly.compileStreaming(fetch(fileURL(file), { integrity: files.get(`${file}Integrity`) }));
    const value = compiled.then((module) => ({ value: module, copy: null }));
    value.catch(() => {}); // as below
    return { checked: compiled.then(() => {}), value };
  }
  const response = fetch(fileURL(file)).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r;
  });
  const body = response.then((r) => r.clone().arrayBuffer());
  const checked = body
    .then((bytes) => checkIntegrity(bytes, files.get(`${file}Integrity`)))
    .then(() => self.postMessage({ type: "progress", step: "downloaded", name: "wasm" }));
  const compiled = WebAssembly.compileStreaming(response);
  compiled.catch(() => {});
  const value = Promise.all([compiled, body, checked])
    .then(([module, bytes]) => ({ value: module, copy: storage ? new Blob([bytes]) : null }));
  value.catch(() => {}); // handled once the port is here (deliver()): not "unhandled" before
  return { checked, value };
}

// Download `name` (`file`, its parameter in this worker's URL, compressed as `format`; or
// `response`, its response already here), unpack it as it comes (once the page has started
// up: the tee keeps what came before), and hand it to the worker once its hash is checked;
// the inflated bytes are kept for the store then. Progress names the file by `name`.
// Resolves when the download is checked. `whole`: the binary from the HTTP cache, see
// compileCached(); `stored`: the file's response from the store, see deliverStored().
function deliver(name, { file, format, response = null, whole = false, stored = null }) {
  if (stored) return deliverStored(name, stored);
  let downloaded;
  let unpacking;
  if (whole) {
    const { checked, value } = compileCached(file);
    downloaded = checked;
    unpacking = portReady.then(() => value);
  } else {
    const downloading = download(name, file, response);
    downloaded = downloading.then(({ checked }) => checked);
    unpacking = portReady.then(() => downloading)
      .then(({ body, checked }) => Promise.all([unpack[name](body, format), checked]))
      .then(([result]) => result);
  }
  downloaded.catch(() => {});
  portReady.then((port) => unpacking.then(
    ({ value, copy }) => {
      if (copy) kept[name] = copy;
      hand(port, name, value);
    },
    () => port.postMessage({ type: "unpacked", name, error: true }),
  ));
  return downloaded;
}

// The start: "snapshot" or "plain" (see the top of this file), and why: `stored` (both
// files in the store, see fromStore()) or the snapshot's cached response.
async function choose() {
  const forced = files.get("start");
  const chosenBefore = forced === "snapshot" || forced === "plain" ? forced : null;
  const stored = await fromStore(chosenBefore);
  if (stored) return { mode: stored.mode, stored };
  lookUpBinaries(); // (not before: each lookup reads its copy from the HTTP cache)
  if (chosenBefore) return { mode: chosenBefore };
  const snapshot = await cached("snapshot");
  if (snapshot) return { mode: "snapshot", snapshot };
  const stdlib = await cached("stdlib");
  if (stdlib) {
    stdlib.body.cancel().catch(() => {});
    return { mode: "plain" };
  }
  try {
    const probeMs = await timeTheWheel();
    return { mode: probeMs <= FAST_PROBE_MS ? "snapshot" : "plain", probeMs };
  } catch {
    return { mode: "plain" }; // the download fails: the start that downloads least
  }
}

// A start chosen beforehand (tests, benches: `start` in this worker's URL).
function startForced() {
  return ["snapshot", "plain"].includes(files.get("start"));
}

// A return visit that started plain from the store (the first visit came on a slow line):
// once the page is ready, the snapshot is downloaded (2.9 MB, SRI-checked, inflated) and
// stored beside the binary, so the next visit takes the snapshot start, about 1 s less CPU
// on this machine (issue 22: 0.6-0.9 s instead of 1.5-2 s) for every later visit. A reader
// who came back once is likely to again; not where the browser asks to save data.
async function upgradeToSnapshot() {
  await readyHeard;
  if (storeWontKeep || typeof DecompressionStream !== "function"
      || (self.navigator && navigator.connection && navigator.connection.saveData)) return;
  try {
    const response = await fetch(fileURL("snapshot"), { priority: "low" });
    if (!response.ok) return;
    const compressed = await response.arrayBuffer();
    await checkIntegrity(compressed, files.get("snapshotIntegrity"));
    // Inflated quietly (no progress to the page: its start is over), as deliver() would.
    const container = new Response(compressed).body.pipeThrough(new DecompressionStream("gzip"));
    const value = await new Response(container).arrayBuffer();
    const cache = await storage.open(STORE);
    await cache.put(storedURL("snapshot"), new Response(value));
    self.postMessage({ type: "stored" });
  } catch {
    // no snapshot stored: the next visit starts plain again, and tries again
  }
}

// How long, after the worker has received both files, this worker waits for the page's
// "ready" before it closes without storing anything (a page whose module never ran).
const READY_WAIT_MS = 60000;

const received = new Set();
choose().then(({ mode, stored, snapshot, probeMs = null }) => {
  const second = mode === "snapshot" ? "snapshot" : "stdlib";
  self.postMessage({ type: "progress", step: "mode", name: mode, probeMs });
  if (mode === "plain" && !stored) zstdStream().catch(() => {}); // while the binary downloads
  const chosenBinary = stored ? Promise.resolve({ copy: "stored", cached: true, stored: stored.wasm }) : binary(mode);
  const wasm = chosenBinary.then((chosen) => {
    self.postMessage({ type: "progress", step: "binary", name: chosen.copy, cached: chosen.cached });
    return deliver("wasm", chosen);
  });
  wasm.catch(() => {});
  // The plain start's stdlib once the binary is here: the binary then inflates and compiles
  // (0.6 s) while the stdlib downloads, not after the last byte.
  const after = mode === "plain" && !stored ? wasm.catch(() => {}) : Promise.resolve();
  const [file, format] = FILES[second][mode];
  after.then(() => deliver(second, { file, format, response: snapshot, stored: stored && stored.second }).catch(() => {}));
  portReady.then((port) => {
    port.postMessage({ type: "mode", mode });
    port.onmessage = ({ data }) => {
      if (data.type !== "received") return;
      received.add(data.name);
      if (!(received.has("wasm") && received.has(second))) return;
      if (stored && mode === "plain" && !startForced()) {
        Promise.race([upgradeToSnapshot(), new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS))])
          .finally(() => self.close());
        return;
      }
      if (stored || !storage) {
        self.close();
        return;
      }
      // Kept files go to the store once the page is ready (or are dropped, if it never is).
      Promise.race([store(second), new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS))])
        .finally(() => self.close());
    };
  });
});
