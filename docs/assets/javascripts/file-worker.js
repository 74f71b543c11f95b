// Browsers refuse to start a Web Worker from a page opened as a file (file://), and
// Material's search runs in one. In the offline bundle (`make offline`) this stand-in
// runs the worker's script in a hidden iframe instead, as Material's offline plugin
// intends: its own shim (iframe-worker) would be fetched from a CDN and writes inline
// scripts, which the page's Content-Security-Policy refuses. This one ships with the
// bundle and loads only files: workers/file-worker-frame.js gives the frame what a
// worker has (postMessage, importScripts, the worker's URL).
(() => {
  if (location.protocol !== "file:") return;
  const FRAME_RUNTIME = new URL("workers/file-worker-frame.js", document.currentScript.src).href;
  const attribute = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;");

  class FileWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      const src = new URL(url, document.baseURI).href;
      const iframe = this.iframe = document.createElement("iframe");
      iframe.hidden = true;
      iframe.title = "";
      document.body.appendChild(iframe);
      const frame = iframe.contentWindow;
      // Material's search worker finds its lunr files next to the first script[src] here.
      frame.document.open();
      frame.document.write(
        `<!DOCTYPE html><html><body><script src="${attribute(FRAME_RUNTIME)}" data-worker="${attribute(src)}"></script>` +
        `<script src="${attribute(src)}"></script></body></html>`);
      frame.document.close();
      this.ready = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
      window.addEventListener("message", (event) => {
        if (event.source !== frame) return;
        const message = new MessageEvent("message", { data: event.data });
        this.dispatchEvent(message);
        if (this.onmessage) this.onmessage(message);
      });
      frame.addEventListener("error", (event) => {
        const error = new ErrorEvent("error", { message: event.message, filename: event.filename, error: event.error });
        this.dispatchEvent(error);
        if (this.onerror) this.onerror(error);
      });
    }

    postMessage(data) {
      const copy = structuredClone(data);
      this.ready.then(() => this.iframe.contentWindow.dispatchEvent(new MessageEvent("message", { data: copy })));
    }

    terminate() {
      this.iframe.remove();
    }
  }

  window.Worker = FileWorker;
  window.IFrameWorker = FileWorker;  // how Material's search worker knows it runs in a frame
})();
