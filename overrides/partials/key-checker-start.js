// Starts the key checker's runtime while the page is still being parsed (inlined in
// <head> by overrides/main.html, right after the runtime settings; overrides/hooks/csp.py
// allows it by its hash). Waiting for an external module cost 0.1 s and more: the page's
// own work (Material's bundle, layout) runs first, and a worker only starts once the page
// gets to it. docs/assets/javascripts/key-checker.js takes the start over (the plain
// fallback and retries are its own) and calls keyCheckerStarter.start() to retry.
//
// Two workers, one per core: key-checker-worker.js sets Pyodide up while
// key-checker-unpacker.js inflates and compiles what this page downloads (the snapshot
// and the WebAssembly binary, gzipped, SRI-checked) and hands them to it (a MessageChannel).
(function () {
  var settings = document.getElementById("key-checker-runtime");
  if (!settings || typeof Worker !== "function" || typeof MessageChannel !== "function") return;
  var assets = new URL(settings.getAttribute("data-assets"), document.baseURI);
  var config = JSON.parse(settings.textContent);

  function start() {
    var script = function (name) { return new URL("javascripts/" + name, assets); };
    var worker = new Worker(script("key-checker-worker.js"), { type: "module" });
    var unpacker = new Worker(script("key-checker-unpacker.js"), { type: "module" });
    var channel = new MessageChannel();
    var started = { worker: worker, unpacker: unpacker, messages: [] };
    // Kept until key-checker.js listens (the worker may be ready before it runs).
    worker.onmessage = function (event) { started.messages.push(event.data); };
    worker.onerror = function (event) { event.preventDefault(); started.messages.push({ type: "failed", mode: "snapshot" }); };
    worker.postMessage({ type: "init", mode: "snapshot", runtime: config, port: channel.port1 }, [channel.port1]);
    unpacker.postMessage({ type: "port", port: channel.port2 }, [channel.port2]);
    [["wasm", config.wasm, config.wasmIntegrity], ["snapshot", config.snapshot, config.snapshotIntegrity]]
      .forEach(function (file) {
        fetch(new URL("pyodide/" + file[1], assets), { integrity: file[2] })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.arrayBuffer();
          })
          .then(function (bytes) { unpacker.postMessage({ type: "bytes", name: file[0], value: bytes }, [bytes]); },
                function () { unpacker.postMessage({ type: "bytes", name: file[0], error: true }); });
      });
    return started;
  }

  window.keyCheckerStarter = { config: config, assets: assets.href, start: start, first: start() };
})();
