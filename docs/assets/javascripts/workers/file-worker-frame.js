// Inside the frame that docs/assets/javascripts/file-worker.js runs a worker in
// (offline bundle, file://): what the worker's script expects to find in a worker.
(() => {
  self.workerURL = document.currentScript.dataset.worker;  // a real worker reads self.location
  self.postMessage = (message) => parent.postMessage(message, "*");
  // Asynchronous here (scripts load one after the other); Material's worker awaits it.
  self.importScripts = (...urls) => urls.reduce((loaded, url) => loaded.then(() => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(url, self.workerURL).href;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`importScripts: ${script.src} did not load`));
    document.body.appendChild(script);
  })), Promise.resolve());
})();
