// The key checker's second worker: it unpacks what the snapshot start downloads, on the
// other core, while key-checker-worker.js imports and sets Pyodide up.
//
// In (from the page, overrides/partials/key-checker-start.js): {type: "port", port} first,
// then {type: "bytes", name: "wasm"|"snapshot", value} (gzipped, SRI-checked, transferred)
// or {type: "bytes", name, error: true}. Out, on the port (to key-checker-worker.js):
// {type: "unpacked", name: "wasm", value: WebAssembly.Module}, {type: "unpacked", name:
// "snapshot", value: ArrayBuffer} (the inflated sparse container, transferred) or
// {type: "unpacked", name, error: true}. It closes itself once both are handed on.

let port = null;
let left = 2;

function gunzip(bytes) {
  if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
  return new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
}

const unpack = {
  wasm: (bytes) => WebAssembly.compileStreaming(
    new Response(gunzip(bytes), { headers: { "Content-Type": "application/wasm" } })),
  snapshot: (bytes) => new Response(gunzip(bytes)).arrayBuffer(),
};

async function handOn(name, bytes) {
  try {
    if (!bytes || !unpack[name]) throw new Error(`nothing to unpack for ${name}`);
    const value = await unpack[name](bytes);
    port.postMessage({ type: "unpacked", name, value }, value instanceof ArrayBuffer ? [value] : []);
  } catch {
    port.postMessage({ type: "unpacked", name, error: true });
  }
  if (--left === 0) self.close();
}

self.onmessage = ({ data }) => {
  if (data.type === "port") port = data.port;
  else if (data.type === "bytes" && port) handOn(data.name, data.error ? null : data.value);
};
