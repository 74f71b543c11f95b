// The key checker's Web Worker (a module worker): it owns Pyodide and the checker.
//
// Messages are plain objects. In: {id: 0, type: "init", mode: "snapshot"|"plain", runtime}
// then {id, type: "check", text, lang, expect}. Out: {type: "ready", mode, ms} or
// {type: "failed", mode, error}, then {id, type: "result", result} or {id, type: "error",
// error}. Errors travel as data ({kind: "python"|"js", name}); no message text that
// could quote the key ever leaves this worker, and nothing is logged.
//
// Two ways to start:
// - "snapshot": the memory snapshot made at build time (tools/make_snapshot.mjs) with the
//   checker already imported; fetched gzipped with an SRI hash, unpacked with
//   DecompressionStream. About a second from a cold start.
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
let wasmFailure = null; // rejects when the WebAssembly binary cannot be fetched

async function fetchOk(url, integrity) {
  const response = await fetch(url, integrity ? { integrity } : {});
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return response;
}

function gunzip(response) {
  return response.body.pipeThrough(new DecompressionStream("gzip"));
}

// Pyodide fetches pyodide.asm.wasm itself (9.6 MB). Serve it from the gzipped copy
// (3.5 MB over the wire, checked against its SRI hash), falling back to the plain
// file; either way, a failure is reported at once instead of Pyodide waiting forever.
function serveCompressedWasm(runtime) {
  const realFetch = self.fetch.bind(self);
  let fail;
  wasmFailure = new Promise((_, reject) => { fail = reject; });
  wasmFailure.catch(() => {});
  self.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url, RUNTIME).href !== WASM) return realFetch(input, init);
    const compressed = async () => {
      if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
      const response = await fetchOk(new URL(runtime.wasm, RUNTIME), runtime.wasmIntegrity);
      return new Response(gunzip(response), { headers: { "Content-Type": "application/wasm" } });
    };
    return compressed()
      .catch(() => realFetch(input, init).then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r; }))
      .catch((error) => { fail(error); throw error; });
  };
}

// Start the snapshot's downloads at once, before Pyodide's own files are even asked for.
function fetchSnapshot(runtime) {
  const snapshot = fetchOk(new URL(runtime.snapshot, RUNTIME), runtime.snapshotIntegrity)
    .then((r) => new Response(gunzip(r)).arrayBuffer())
    .then((buffer) => new Uint8Array(buffer));
  const wheel = fetchOk(new URL(runtime.wheel, RUNTIME), runtime.wheelIntegrity).then((r) => r.arrayBuffer());
  snapshot.catch(() => {});
  wheel.catch(() => {});
  return { snapshot, wheel };
}

async function loadSnapshot(loadPyodide, runtime, { snapshot, wheel }) {
  // Handing loadPyodide the promise lets it fetch and compile the WebAssembly binary
  // while the snapshot is still arriving; a snapshot that fails its SRI check or does
  // not unpack ends this start at once (then the page falls back to the plain load).
  const pyodide = await Promise.race([
    loadPyodide({
      indexURL: RUNTIME.href,
      lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
      _loadSnapshot: snapshot,
    }),
    snapshot.then(() => new Promise(() => {})),
  ]);
  // The snapshot holds memory, not files: put the package's files back where the
  // snapshot's import found them, for anything it reads later.
  pyodide.unpackArchive(new Uint8Array(await wheel), "wheel");
  return pyodide;
}

async function loadPlain(loadPyodide, runtime) {
  return loadPyodide({
    indexURL: RUNTIME.href,
    lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
    packages: [runtime.package],
  });
}

async function start(mode, runtime) {
  const started = performance.now();
  serveCompressedWasm(runtime);
  const downloads = mode === "snapshot" ? fetchSnapshot(runtime) : null;
  const { loadPyodide } = await import(new URL("pyodide.mjs", RUNTIME).href);
  const load = mode === "snapshot" ? loadSnapshot : loadPlain;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), LOAD_TIMEOUT_MS);
  });
  try {
    const pyodide = await Promise.race([load(loadPyodide, runtime, downloads), wasmFailure, timeout]);
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
  if (data.type === "init") {
    try {
      const ms = await start(data.mode, data.runtime);
      self.postMessage({ type: "ready", mode: data.mode, ms });
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
