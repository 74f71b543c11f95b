// Starts the key checker's runtime from <head> (inlined by overrides/main.html, right
// after the runtime settings; overrides/hooks/csp.py allows it by its hash), in two steps:
// - at once, while the page is parsed: key-checker-unpacker.js, a worker that chooses the
//   start (snapshot or plain, by the connection) and downloads its files (compressed,
//   SRI-checked) off the page's thread;
// - at DOMContentLoaded, once the page's own start-up (Material's bundle) has run (at
//   once where the runtime's store holds this runtime: issue 22):
//   key-checker-worker.js, which imports and sets Pyodide up, while the unpacker inflates
//   and compiles the downloads on the other core and hands them over (a MessageChannel).
// Both workers computing during the page's start-up slowed it down on two cores
// (Lighthouse: total blocking time up to 0.4 s); a worker started from the page module
// instead came 0.1 s later. docs/assets/javascripts/key-checker.js takes the start over
// (the plain fallback and retries are its own) and calls keyCheckerStarter.start() to retry.
(function () {
  var settings = document.getElementById("key-checker-runtime");
  if (!settings || typeof Worker !== "function" || typeof MessageChannel !== "function") return;
  var assets = new URL(settings.getAttribute("data-assets"), document.baseURI);
  var config = JSON.parse(settings.textContent);

  function start() {
    var script = function (name) { return new URL("javascripts/" + name, assets); };
    var files = new URLSearchParams({ runtime: config.runtime, wasm: config.wasm, wasmIntegrity: config.wasmIntegrity,
                                      snapshot: config.snapshot, snapshotIntegrity: config.snapshotIntegrity,
                                      wasmZst: config.wasmZst, wasmZstIntegrity: config.wasmZstIntegrity,
                                      wasmRaw: config.wasmRaw, wasmRawIntegrity: config.wasmRawIntegrity,
                                      wasmRawBytes: config.wasmRawBytes,
                                      stdlib: config.stdlib, stdlibIntegrity: config.stdlibIntegrity,
                                      wheel: config.wheel });
    var unpacker = new Worker(script("key-checker-unpacker.js") + "?" + files, { type: "module" });
    // key-checker.js sets onworker when it takes the start over before the worker exists.
    var started = { worker: null, unpacker: unpacker, messages: [], onworker: null };
    // Kept, like the worker's messages below, until key-checker.js listens.
    unpacker.onmessage = function (event) { started.messages.push(event.data); };
    unpacker.onerror = function (event) {
      event.preventDefault();
      started.messages.push({ type: "failed", mode: "auto" });
    };

    function startWorker() {
      var worker = new Worker(script("key-checker-worker.js") + "?" + new URLSearchParams({ runtime: config.runtime }), { type: "module" });
      var channel = new MessageChannel();
      started.worker = worker;
      // Kept until key-checker.js listens (the worker may be ready before it runs).
      worker.onmessage = function (event) { started.messages.push(event.data); };
      worker.onerror = function (event) {
        event.preventDefault();
        started.messages.push({ type: "failed", mode: "auto" });
      };
      worker.postMessage({ type: "init", mode: "auto", runtime: config, port: channel.port1 }, [channel.port1]);
      unpacker.postMessage({ type: "port", port: channel.port2 }, [channel.port2]);
      if (started.onworker) started.onworker(worker);
    }
    // After the page's start-up, unless the runtime's store holds this runtime (a return
    // visit: see rememberTheStore() in key-checker.js): then at once.
    var stored = false;
    try {
      stored = localStorage.getItem("key-checker-stored-runtime") === config.runtime;
    } catch (e) {
      stored = false;
    }
    if (document.readyState === "loading" && !stored) document.addEventListener("DOMContentLoaded", startWorker, { once: true });
    else startWorker();
    return started;
  }

  window.keyCheckerStarter = { start: start, first: start() };
})();
