// Inside the frame that docs/assets/javascripts/file-worker.js runs a worker in
// (offline bundle, file://): what the worker's script expects to find in a worker.
(() => {
  const script = document.currentScript;
  self.workerURL = script.dataset.worker;  // a real worker reads self.location
  self.postMessage = (message) => parent.postMessage(message, "*");
  // Material's search worker, in a frame, finds its language files (lunr/) by cutting
  // this script's URL at the first "/worker": a folder of the reader's called "worker"
  // (/home/worker/…) cuts it too early. Such URLs are put back under the real folder.
  const cut = `${script.src.split("/worker")[0]}/lunr/`;
  const lunr = new URL("../lunr/", script.src).href;
  const corrected = (url) => (url.startsWith(cut) ? lunr + url.slice(cut.length) : url);
  // Asynchronous here (scripts load one after the other); Material's worker awaits it.
  self.importScripts = (...urls) => urls.reduce((loaded, url) => loaded.then(() => new Promise((resolve, reject) => {
    const element = document.createElement("script");
    element.src = corrected(new URL(url, self.workerURL).href);
    element.onload = resolve;
    element.onerror = () => reject(new Error(`importScripts: ${element.src} did not load`));
    document.body.appendChild(element);
  })), Promise.resolve());
})();
