// The key-checker widget (overrides/partials/key-checker.html) on the page side.
//
// One module Web Worker (key-checker-worker.js) per page owns Pyodide. The snapshot start
// is begun by a small script inlined in <head> (overrides/partials/key-checker-start.js,
// `keyCheckerStarter`); this module takes it over, falls back to the plain load, exports
// `check(text, options)` and renders results with textContent only.
// State is in the DOM: the widget's data-state="loading|ready|error", the result region's
// data-valid="true|false". Every text comes from the page (the widget's JSON block).
// The key is never logged, stored, put in a URL or sent anywhere: it only goes to the worker.

import { supportSummary } from "./support-summary.js";

const WORKER_URL = new URL("./key-checker-worker.js", import.meta.url);
const DEBOUNCE_MS = 150;

// --- the runtime: one worker, the start the unpacker chooses, plain load as the fallback --

// Two kinds of start: "auto", the one the inlined starter began (key-checker-unpacker.js
// chooses snapshot or plain by the connection and downloads the files), then, if it
// fails, "plain" in a fresh worker that fetches the files itself (from the HTTP cache).
// The watchdog gives a start up for the next one (auto -> plain -> error):
// - a file the unpacker handed over that the worker has not received within
//   HANDOVER_MS (a message lost between two workers: issue 15, Firefox);
// - while the auto start's files download, no byte for DOWNLOAD_STALL_MS (the
//   unpacker reports bytes every quarter second: a slow connection is not a stall, a
//   download that stopped is); STALL_MS once the unpacker also inflates and compiles
//   what came (it does so as the bytes arrive: a busy machine may hold its thread for
//   seconds, and that is CPU work, not a stopped download);
// - otherwise no progress at all for STALL_MS, from the start on (generous: on a busy
//   phone each step is long CPU work; the plain start, the last one, has one step of
//   1.6-1.9 s of CPU on this machine idle, 29 s when six jobs share its two cores).
const HANDOVER_MS = 2000;
const DOWNLOAD_STALL_MS = 4000;
const STALL_MS = { auto: 8000, snapshot: 8000, plain: 60000 };
// A runtime that breaks after it was ready is started again, this many times at most.
const MAX_RESTARTS = 2;
// The steps a start goes through (progress messages from key-checker-worker.js and
// key-checker-unpacker.js), for "roughly how far" in the widget: the auto start's, once it
// has chosen (before, the bar is indeterminate), and the fallback's.
const STEPS = {
  snapshot: ["downloaded:wasm", "downloaded:snapshot", "modules", "unpacked:wasm", "unpacked:snapshot",
             "received:wasm", "received:snapshot", "instantiating", "restoring", "checker"],
  chosenPlain: ["downloaded:wasm", "downloaded:stdlib", "modules", "unpacked:wasm", "unpacked:stdlib",
                "received:wasm", "received:stdlib", "instantiating", "checker"],
  plain: ["modules", "instantiating", "checker"],
};
const HANDED_OVER = ["wasm", "snapshot", "stdlib"]; // what the unpacker hands the worker

const runtime = {
  worker: null,
  unpacker: null, // key-checker-unpacker.js, in the snapshot start
  state: "loading", // loading | ready | error
  starting: false, // a start is under way: never two at once
  mode: null, // snapshot | plain, once ready
  readyMs: null,
  pending: new Map(), // id -> job sent to the worker
  waiting: [], // checks asked for before the runtime was ready (or again, after a fault)
  listeners: new Set(),
  nextId: 1,
  config: null,
  restarts: 0,
  progress: { mode: null, chosen: null, binary: null, steps: new Set(), bytes: {}, shares: {}, fellBack: false },
  watchdog: null,
};

function setState(state) {
  runtime.state = state;
  // The search worker holds its index build back on this page until the runtime has
  // started (docs/assets/javascripts/workers/search-segmenter.js).
  if (state !== "loading") new BroadcastChannel("key-checker").postMessage(state);
  for (const listener of runtime.listeners) listener(state);
}

// The steps of the start under way, as far as it is known.
function stepsOf({ mode, chosen }) {
  if (mode === "plain") return STEPS.plain;
  return chosen === "plain" ? STEPS.chosenPlain : chosen === "snapshot" ? STEPS.snapshot : [];
}

// The auto start's files are still downloading.
function downloading({ mode, chosen, steps }) {
  const second = chosen === "plain" ? "stdlib" : "snapshot";
  return mode === "auto" && !(steps.has("downloaded:wasm") && steps.has(`downloaded:${second}`));
}

/** How far the start is: {mode, chosen, done, total, downloading, bytes, totalBytes,
 * fellBack} (the widget shows it); bytes of the chosen start's downloads, totalBytes from
 * the runtime settings (`sizes`, by start and file). */
export function progress() {
  const { mode, chosen, steps, bytes, shares, fellBack } = runtime.progress;
  const all = stepsOf(runtime.progress);
  const sizes = (runtime.config && runtime.config.sizes && runtime.config.sizes[chosen]) || null;
  return {
    mode,
    chosen,
    done: all.filter((step) => steps.has(step)).length,
    total: all.length,
    downloading: downloading(runtime.progress),
    bytes: sizes ? Object.keys(sizes).reduce((sum, name) =>
      sum + (steps.has(`downloaded:${name}`) ? sizes[name]
        : Math.min(shares[name] != null ? shares[name] * sizes[name] : bytes[name] || 0, sizes[name])), 0) : null,
    totalBytes: sizes ? Object.values(sizes).reduce((sum, size) => sum + size, 0) : null,
    fellBack,
  };
}

// The runtime's store holds this runtime (key-checker-unpacker.js said "stored"): noted in
// localStorage under STORED_HINT as the runtime's folder (pyodide/HASH/, the same for
// every reader: nothing typed, nothing personal), so that the next visit's starter
// (overrides/partials/key-checker-start.js) starts the worker at once instead of after
// the page's start-up: there is little to download then, and the worker's own start
// is the longest part of the wait.
const STORED_HINT = "key-checker-stored-runtime";
function rememberTheStore() {
  try {
    localStorage.setItem(STORED_HINT, runtime.config.runtime);
  } catch {
    // no localStorage (a private window, storage blocked): the worker starts after the page
  }
}

function stopWorkers() {
  clearTimeout(runtime.watchdog);
  if (runtime.worker) runtime.worker.terminate();
  if (runtime.unpacker) runtime.unpacker.terminate();
  runtime.worker = runtime.unpacker = null;
}

// A sign of life from the start under way (a step, or bytes of a download): note it and
// re-arm the watchdog.
function onProgress(mode, step, data = {}) {
  if (step.startsWith("mode:")) Object.assign(runtime.progress, { chosen: data.name, probeMs: data.probeMs });
  if (step.startsWith("binary:")) runtime.progress.binary = { copy: data.name, cached: data.cached };
  if (step.startsWith("downloading:")) {
    runtime.progress.bytes[data.name] = data.bytes;
    runtime.progress.shares[data.name] = data.share ?? null;
  }
  runtime.progress.steps.add(step);
  watch(mode);
  for (const listener of runtime.listeners) listener(runtime.state);
}

// (Re-)arm the watchdog for the phase the start is in: from the start on, it is never off.
function watch(mode) {
  const { steps } = runtime.progress;
  clearTimeout(runtime.watchdog);
  if (!runtime.starting) return; // a late message after "ready"
  const handedOver = HANDED_OVER.filter((name) => steps.has(`unpacked:${name}`));
  // Bytes are reported ("downloading") unless the browser checks the files' hashes itself
  // ("fetching": see key-checker-unpacker.js); then a download is watched as the plain start is.
  const loading = downloading(runtime.progress);
  const has = (prefix) => [...steps].some((done) => done.startsWith(prefix));
  const limit = handedOver.some((name) => !steps.has(`received:${name}`)) ? HANDOVER_MS
    : loading && has("fetching:") ? STALL_MS.plain
    : loading && has("downloading:") && !has("unpacking:") ? DOWNLOAD_STALL_MS
    : STALL_MS[runtime.progress.chosen || mode];
  runtime.watchdog = setTimeout(() => giveUp(mode), limit);
}

// A start failed (or stalled): the next one, or the error state after the last.
function giveUp(mode) {
  if (mode === "auto") {
    runtime.progress.fellBack = true;
    spawn("plain");
  } else {
    fail();
  }
}

// The auto start: the one the inlined starter began with the page, else a new one.
function autoStart() {
  const starter = self.keyCheckerStarter;
  if (!starter) return null;
  const started = starter.first || starter.start();
  starter.first = null;
  return started;
}

function spawn(mode) {
  stopWorkers();
  // Checks sent to the old worker are asked again of the new one: a verdict always
  // belongs to the text on screen.
  runtime.waiting.unshift(...runtime.pending.values());
  runtime.pending.clear();
  runtime.starting = true;
  // A fallback fetches the copy of the binary the failed start had (from the HTTP cache).
  const copy = runtime.progress.binary && runtime.progress.binary.copy;
  const wasmFormat = copy && copy.startsWith("raw") ? "raw" : runtime.progress.chosen === "snapshot" ? "gzip" : "zstd";
  const started = mode === "auto" ? autoStart() : null;
  if (mode === "auto" && !started) return spawn("plain");
  runtime.progress = { mode, chosen: null, binary: null, steps: new Set(), bytes: {}, shares: {},
                       fellBack: runtime.progress.fellBack };
  watch(mode);
  runtime.unpacker = started && started.unpacker;
  if (runtime.unpacker) {
    const unpacker = runtime.unpacker;
    unpacker.onmessage = ({ data }) => {
      if (unpacker === runtime.unpacker && data.type === "progress") onProgress(mode, `${data.step}:${data.name}`, data);
      if (data.type === "stored") rememberTheStore();
    };
    unpacker.onerror = (event) => { // its script did not load or broke: no auto start then
      event.preventDefault();
      if (unpacker === runtime.unpacker) giveUp("auto");
    };
  }
  if (!started) {
    const worker = new Worker(`${WORKER_URL}?${new URLSearchParams({ runtime: runtime.config.runtime })}`, { type: "module" });
    listen(worker, mode);
    worker.postMessage({ type: "init", mode, runtime: runtime.config, wasmFormat });
  } else if (started.worker) {
    listen(started.worker, mode, started.messages);
  } else {
    started.onworker = (worker) => listen(worker, mode, started.messages); // at DOMContentLoaded
    replay(mode, started.messages);
  }
}

// The unpacker's messages from before this module listened (the worker's go to listen()).
function replay(mode, heard) {
  for (const data of heard) {
    if (data.type === "progress" && data.name) onProgress(mode, `${data.step}:${data.name}`, data);
  }
}

// Take a worker over: `heard` holds what it (and the unpacker) said before this module listened.
function listen(worker, mode, heard = []) {
  runtime.worker = worker;
  const onmessage = ({ data }) => {
    if (worker !== runtime.worker) return;
    if (data.type === "progress") {
      onProgress(mode, data.name ? `${data.step}:${data.name}` : data.step, data);
    } else if (data.type === "ready") {
      clearTimeout(runtime.watchdog);
      runtime.starting = false;
      runtime.mode = data.mode;
      runtime.readyMs = data.ms;
      // Read by the benches and tests; probeMs: how long the connection probe took, if it
      // ran; fellBack: this is the plain start after a failed one; binary: the copy of the
      // binary the unpacker took and whether from the HTTP cache ({copy, cached}).
      const { probeMs = null, fellBack, binary = null } = runtime.progress;
      performance.mark("key-checker-ready", { detail: { mode: data.mode, probeMs, fellBack, binary } });
      // The unpacker stores the files it unpacked only now, off the start's way (issue 22).
      if (runtime.unpacker) runtime.unpacker.postMessage({ type: "ready" });
      setState("ready");
      for (const job of runtime.waiting.splice(0)) send(job);
    } else if (data.type === "failed") {
      giveUp(mode);
    } else if (data.type === "result" || data.type === "error") {
      const job = runtime.pending.get(data.id);
      if (!job) return;
      runtime.pending.delete(data.id);
      if (data.type === "result") job.resolve(data.result);
      else job.reject(Object.assign(new Error("check failed"), data.error));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault(); // no console message: it could only say the worker broke
    if (worker !== runtime.worker) return;
    if (runtime.state !== "ready") giveUp(mode);
    else if (runtime.restarts++ < MAX_RESTARTS) restart();
    else fail();
  };
  worker.onmessage = onmessage;
  for (const data of heard.splice(0)) onmessage({ data });
}

// A runtime that was ready broke: back to loading (no verdict stays on screen for a
// runtime that is gone), and a new one, whose first answers are the checks in flight.
function restart() {
  runtime.progress.fellBack = false;
  setState("loading");
  spawn("auto");
}

function fail() {
  stopWorkers();
  runtime.starting = false;
  for (const job of [...runtime.pending.values(), ...runtime.waiting.splice(0)]) job.reject(new Error("runtime unavailable"));
  runtime.pending.clear();
  setState("error");
}

function send(job) {
  const id = runtime.nextId++;
  runtime.pending.set(id, job);
  runtime.worker.postMessage({ id, type: "check", text: job.text, lang: job.lang, expect: job.expect, length: job.length });
}

/** Start (or restart, after an error) the runtime; while a start is under way, nothing. */
export function start(config = runtime.config) {
  if (runtime.starting) return;
  runtime.config = config;
  runtime.restarts = 0;
  runtime.progress.fellBack = false;
  setState("loading");
  spawn("auto");
}

/** Check a key: resolves with checker.diagnose()'s result (plus `corrected` and `summary`) once
 * the runtime is ready. `length`: the whole input's length when `text` is only its beginning. */
export function check(text, { lang = "en", expect = null, length = null } = {}) {
  return new Promise((resolve, reject) => {
    const job = { text: String(text), lang, expect, length, resolve, reject };
    if (runtime.state === "ready") send(job);
    else if (runtime.state === "loading") runtime.waiting.push(job);
    else reject(new Error("runtime unavailable"));
  });
}

/** What the runtime is doing: {state, mode, readyMs} (the benchmark reads it). */
export function status() {
  return { state: runtime.state, mode: runtime.mode, readyMs: runtime.readyMs };
}

// --- the widget ------------------------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// What the checker can judge of `text`: at most `max + 1` code points (enough for it to say
// "too long"), and the whole text's length in code points, as Python counts them, when
// more was typed. A huge paste is never copied whole into the runtime.
function bounded(text, max) {
  if (text.length <= max) return { text, length: null };
  let length = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { length -= 1; i += 1; }
    }
  }
  if (length <= max) return { text, length: null };
  let head = "";
  let count = 0;
  for (const point of text) {
    if (count++ > max) break;
    head += point;
  }
  return { text: head, length };
}

async function copyText(text) {
  if (navigator.clipboard && navigator.clipboard.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  throw new Error("no clipboard");
}

class Widget {
  constructor(root) {
    this.root = root;
    this.t = JSON.parse(root.querySelector(".key-checker__texts").textContent);
    this.lang = root.dataset.lang;
    this.languageRoot = new URL(root.dataset.languageRoot, document.baseURI);
    this.input = root.querySelector(".key-checker__input");
    this.expect = root.querySelector(".key-checker__expect");
    this.output = root.querySelector(".key-checker__result");
    this.maxInput = Number(root.dataset.maxInput); // checker/data/formats.json, max_input_length
    this.sequence = 0;
    this.timer = null;
    this.last = null; // {text, result} shown now
    this.copyTimers = new WeakMap(); // button -> the timer that puts its label back

    // No <form> (overrides/partials/key-checker.html): nothing can carry the key to a
    // URL. Enter and the button check at once.
    this.input.addEventListener("keydown", (event) => {
      // Enter that confirms an input method's text is the input method's, not a request.
      if (event.key === "Enter" && !event.isComposing && event.keyCode !== 229) this.checkNow({ asked: true });
    });
    root.querySelector(".key-checker__check").addEventListener("click", () => this.checkNow({ asked: true }));
    // Text an input method is still composing is not what the reader means yet: no check
    // (and no announcement) until the composition ends.
    this.composing = false;
    this.input.addEventListener("compositionstart", () => {
      this.composing = true;
      clearTimeout(this.timer);
      this.sequence += 1; // an answer still on its way is for text that is changing
      this.output.removeAttribute("aria-busy");
    });
    this.input.addEventListener("compositionend", () => {
      this.composing = false;
      this.checkSoon();
    });
    this.input.addEventListener("input", (event) => {
      if (!event.isComposing) this.checkSoon();
    });
    this.input.addEventListener("blur", () => this.checkNow());
    this.expect.addEventListener("change", () => this.checkNow());
    this.retry = root.querySelector(".key-checker__retry");
    this.retry.addEventListener("click", () => {
      // The button hides while the checker loads: the reader goes on in the key's box.
      if (document.activeElement === this.retry) this.input.focus();
      start();
    });
    this.addProgress();
    runtime.listeners.add((state) => this.showState(state));
    root.dataset.js = "";
    this.showState(runtime.state);
    if (this.input.value) this.checkNow(); // typed (or restored) before this module ran
  }

  // "What is loading, roughly how far": a line and a bar under the loading notice.
  addProgress() {
    const loading = this.root.querySelector(".key-checker__loading");
    this.progressText = element("span", "key-checker__progress-text");
    this.progressBar = element("progress", "key-checker__progress");
    this.progressBar.setAttribute("aria-label", this.t.progress_label);
    loading.append(element("br"), this.progressText, " ", this.progressBar);
  }

  showProgress() {
    const { done, total, downloading, bytes, totalBytes, fellBack } = progress();
    const megabytes = (n) => (n / 1e6).toFixed(1);
    this.progressText.textContent = fellBack ? this.t.progress_fallback
      : !downloading ? this.t.progress_prepare
      : totalBytes ? `${this.t.progress_download} ${this.t.progress_bytes
        .replace("{done}", megabytes(bytes)).replace("{total}", megabytes(totalBytes))}`
      : this.t.progress_download;
    if (total) {
      this.progressBar.max = total;
      this.progressBar.value = done;
    } else {
      this.progressBar.removeAttribute("value"); // not known yet: an indeterminate bar
    }
  }

  showState(state) {
    const was = this.root.dataset.state;
    this.root.dataset.state = state;
    this.root.querySelector(".key-checker__loading").hidden = state !== "loading";
    this.root.querySelector(".key-checker__error").hidden = state !== "error";
    this.root.querySelector(".key-checker__manual").hidden = state !== "error";
    if (state === "loading") this.showProgress();
    if (state === "error") this.clear();
    // The runtime broke after it answered: its verdict goes, the key is checked again.
    if (state === "loading" && was === "ready" && this.last) {
      this.showMessage(this.t.waiting);
      this.checkNow();
    }
    if (state === "ready" && this.input.value && !this.last) this.checkNow();
  }

  checkSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.checkNow(), DEBOUNCE_MS);
  }

  // `asked`: the reader pressed Enter or the button. An empty box is then answered (the
  // checker says what to type); emptied while typing, it just clears the result.
  async checkNow({ asked = false } = {}) {
    clearTimeout(this.timer);
    if (this.composing) return; // compositionend checks
    const text = this.input.value;
    const expect = this.expect.value || null;
    const sequence = ++this.sequence;
    if (!text && !asked) {
      this.clear();
      return;
    }
    if (this.last && this.last.text === text && this.last.expect === expect) return;
    if (runtime.state === "error") return;
    if (runtime.state === "loading") this.showMessage(this.t.waiting);
    this.output.setAttribute("aria-busy", "true");
    try {
      const handed = bounded(text, this.maxInput);
      const result = await check(handed.text, { lang: this.lang, expect, length: handed.length });
      if (sequence !== this.sequence) return; // a newer check is on its way
      this.last = { text, expect, result };
      this.render(result, text);
    } catch {
      // the runtime failed: showState("error") has already said so
    } finally {
      if (sequence === this.sequence) this.output.removeAttribute("aria-busy");
    }
  }

  clear() {
    this.last = null;
    this.output.removeAttribute("aria-busy");
    this.output.replaceChildren();
    delete this.output.dataset.valid;
  }

  showMessage(text) {
    this.last = null;
    delete this.output.dataset.valid;
    this.output.replaceChildren(element("p", "key-checker__waiting", text));
  }

  render(result, text) {
    const t = this.t;
    const nodes = [];
    this.output.dataset.valid = String(result.valid);
    nodes.push(element("p", "key-checker__verdict", result.valid ? t.valid : t.invalid));

    if (result.normalized) {
      const block = element("div", "key-checker__typed");
      block.append(element("p", "key-checker__typed-label", t.typed_as));
      const line = element("p", "key-checker__typed-line");
      const code = element("code", "key-checker__key");
      const corrected = new Set(result.corrected || []);
      let position = 0;
      for (const ch of result.normalized) {
        if (ch === result.separator) {  // the format's own, between groups
          code.append(ch);
          continue;
        }
        if (corrected.has(position)) {
          const mark = element("mark", "key-checker__corrected", ch);
          mark.title = t.corrected;
          code.append(mark);
        } else {
          code.append(ch);
        }
        position += 1;
      }
      const copy = element("button", "md-button key-checker__copy", t.copy);
      copy.type = "button";
      copy.addEventListener("click", () => this.copy(copy, () => result.normalized, t.copied));
      line.append(code, " ", copy);
      block.append(line);
      if (result.product) {
        const option = [...this.expect.options].find((o) => o.value === `${result.product}/${result.version}`);
        block.append(element("p", "key-checker__product", `${t.product}: ${option ? option.textContent : `${result.product} ${result.version}`}`));
      }
      nodes.push(block);
    }

    if (result.findings.length) {
      const list = element("ul", "key-checker__findings");
      for (const finding of result.findings) {
        const item = element("li", `key-checker__finding key-checker__finding--${finding.severity}`);
        item.dataset.code = finding.code;
        item.dataset.severity = finding.severity;
        item.append(element("strong", "key-checker__severity", `${t.severity[finding.severity] || finding.severity}: `));
        item.append(element("span", "key-checker__message", finding.message));
        if (finding.suggestions && finding.suggestions.length) {
          const suggestions = element("ul", "key-checker__suggestions");
          suggestions.setAttribute("aria-label", t.suggestions);
          for (const suggestion of finding.suggestions) {
            const li = element("li");
            li.append(element("code", "", suggestion));
            suggestions.append(li);
          }
          item.append(suggestions);
        }
        if (finding.help) {
          const link = element("a", "key-checker__help", t.help);
          link.href = new URL(finding.help, this.languageRoot).href;
          item.append(" ", link);
        }
        list.append(item);
      }
      nodes.push(list);
    }

    const summary = element("button", "md-button key-checker__summary", t.summary_button);
    summary.type = "button";
    summary.addEventListener("click", () => this.copy(summary, () => this.summary(result), t.summary_copied));
    nodes.push(element("p", "key-checker__actions"));
    nodes[nodes.length - 1].append(summary);
    this.output.replaceChildren(...nodes);
  }

  // The lines about the key come from the checker (checker.support_summary: masked key,
  // verdict, findings by kind and count); the page adds what only it knows.
  summary(result) {
    const t = this.t;
    const expect = this.expect.value ? this.expect.selectedOptions[0].textContent : t.summary_none;
    return supportSummary(t.summary_title, [
      ...result.summary,
      [t.summary_expect, expect],
      [t.summary_browser, navigator.userAgent],
      [t.summary_time, new Date().toISOString()],
    ]);
  }

  // The button's own label is kept from its first click: a second click while it says
  // "Copied" must not make "Copied" the label to come back to.
  async copy(button, text, done) {
    const label = (button.dataset.label ??= button.textContent);
    clearTimeout(this.copyTimers.get(button));
    try {
      await copyText(text());
      button.textContent = done;
    } catch {
      button.textContent = this.t.copy_failed;
    }
    this.copyTimers.set(button, setTimeout(() => { button.textContent = label; }, 2500));
  }
}

// The module is async: it may run before the body is parsed. The runtime starts now;
// the widgets come to life once they exist.
const settings = document.getElementById("key-checker-runtime");
if (settings) start(JSON.parse(settings.textContent));

function initWidgets() {
  for (const root of document.querySelectorAll(".key-checker")) new Widget(root);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initWidgets);
else initWidgets();
