// The key checker's second worker: it downloads and unpacks the snapshot start's two big
// files, on the other core, while key-checker-worker.js imports and sets Pyodide up.
// Downloading here, not on the page, keeps the page's thread free (their SRI hashes
// checked and bodies read there counted in Lighthouse's total blocking time).
//
// The files come in this worker's URL (overrides/partials/key-checker-start.js):
// ?runtime=pyodide/HASH/&wasm=FILE&wasmIntegrity=SRI&snapshot=FILE&snapshotIntegrity=SRI
// (gzipped, in the runtime folder); they download at once. In, from the page: {type: "port", port}, sent
// once the page has started up: only then does the CPU work (inflating, compiling) begin.
// Out, on the port (to key-checker-worker.js): {type: "unpacked", name: "wasm", value:
// WebAssembly.Module}, {type: "unpacked", name: "snapshot", value: ArrayBuffer} (the
// inflated container, transferred) or {type: "unpacked", name, error: true}; back from
// the worker: {type: "received", name}. It closes itself only once the worker has said
// it received both: Firefox drops a message still on its way through a MessagePort
// (the compiled module, which it posts last) when the sending worker closes right after
// posting it, and the start then waited forever (issue 15).
// Out, to the page: {type: "progress", step: "downloading", name, bytes} while a file
// downloads, then {type: "progress", step: "downloaded"|"unpacking"|"unpacked", name}
// as each file is here, inflating, then ready for the worker (key-checker.js's watchdog
// and progress).

const files = new URL(self.location.href).searchParams;
const RUNTIME = new URL(`../${files.get("runtime")}`, self.location.href); // pyodide/HASH/

const portReady = new Promise((resolve) => {
  self.onmessage = ({ data }) => {
    if (data.type === "port") resolve(data.port);
  };
});

// Bytes as they come, to the page every TICK_MS (its watchdog gives a start whose download
// stopped up): so the body is read here and its SRI hash checked here too (a fetch with
// `integrity` hands the body over only once it is all here). Where the page has no
// crypto.subtle (an http:// host other than loopback) the browser checks it, by steps.
async function download(name) {
  const url = new URL(files.get(name), RUNTIME);
  const integrity = files.get(`${name}Integrity`);
  if (!(self.crypto && crypto.subtle)) {
    self.postMessage({ type: "progress", step: "fetching", name });
    const response = await fetch(url, { integrity });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    self.postMessage({ type: "progress", step: "downloaded", name });
    return response;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  self.postMessage({ type: "progress", step: "downloading", name, bytes: 0 });
  const chunks = [];
  let bytes = 0;
  let ticked = performance.now();
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    if (performance.now() - ticked > TICK_MS) {
      ticked = performance.now();
      self.postMessage({ type: "progress", step: "downloading", name, bytes });
    }
  }
  const body = await new Blob(chunks).arrayBuffer();
  await checkIntegrity(body, integrity);
  self.postMessage({ type: "progress", step: "downloaded", name });
  return new Response(body);
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
const TICK_MS = 250;
function gunzip(response, name) {
  if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
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
  return response.body.pipeThrough(new DecompressionStream("gzip")).pipeThrough(ticking);
}

const unpack = {
  wasm: (response) => WebAssembly.compileStreaming(
    new Response(gunzip(response, "wasm"), { headers: { "Content-Type": "application/wasm" } })),
  snapshot: (response) => new Response(gunzip(response, "snapshot")).arrayBuffer(),
};

const received = new Set();
portReady.then((port) => {
  port.onmessage = ({ data }) => {
    if (data.type !== "received") return;
    received.add(data.name);
    if (received.size === 2) self.close();
  };
});

for (const name of ["wasm", "snapshot"]) {
  const downloaded = download(name);
  downloaded.catch(() => {});
  portReady.then((port) => downloaded
    .then(unpack[name])
    .then(
      (value) => {
        try {
          port.postMessage({ type: "unpacked", name, value }, value instanceof ArrayBuffer ? [value] : []);
        } catch { // an engine that cannot post a compiled module: the worker compiles its own
          port.postMessage({ type: "unpacked", name, error: true });
          return;
        }
        self.postMessage({ type: "progress", step: "unpacked", name });
      },
      () => port.postMessage({ type: "unpacked", name, error: true }),
    ));
}
