// Material's search worker, with Japanese queries split into words first.
//
// Material segments Japanese page text into words (TinySegmenter) when it builds the
// index, but not the query: "ライセンス認証" then finds nothing although both
// "ライセンス" and "認証" are in the index. This worker runs Material's own (its URL
// comes as ?material=…, set by overrides/hooks/search_per_language.py) and rewrites
// each query message before Material's handler sees it.

// In the offline bundle this runs in a frame (file-worker.js), which sets workerURL.
const WORKER_URL = new URL(self.workerURL || self.location.href);
const QUERY = 2; // Material's message type for a search query
const JAPANESE = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc]+/gu;
const PARTICLE = /^\p{sc=Hiragana}$/u; // one kana on its own: に, を, の … match everything

function segment(query) {
  const segmenter = self.lunr && self.lunr.segmenter; // only there for a Japanese index
  if (!segmenter) return query;
  return query.replace(JAPANESE, (run) => {
    const words = segmenter.segment(run).filter((word) => !PARTICLE.test(word));
    return words.length ? ` ${words.join(" ")} ` : run;
  }).trim();
}

// On pages with the key checker (?after=key-checker) every message waits until the page
// says the checker's runtime has started (or failed), at most HOLD_MS: building the index
// takes 0.2 s of CPU, which the runtime's start needs more on a machine with two cores.
const HOLD_MS = 4000;
if (WORKER_URL.searchParams.get("after") === "key-checker") {
  let held = [];
  const channel = new BroadcastChannel("key-checker");
  const release = () => {
    if (!held) return;
    const messages = held;
    held = null;
    channel.close();
    clearTimeout(timer);
    for (const data of messages) self.dispatchEvent(new MessageEvent("message", { data }));
  };
  const timer = setTimeout(release, HOLD_MS);
  channel.onmessage = release;
  self.addEventListener("message", (event) => {
    if (!held) return;
    event.stopImmediatePropagation();
    held.push(event.data);
  });
}

// Registered before Material's listener, so it runs first and can rewrite the message.
self.addEventListener("message", ({ data }) => {
  if (data && data.type === QUERY && typeof data.data === "string") data.data = segment(data.data);
});

importScripts(new URL(WORKER_URL.searchParams.get("material"), WORKER_URL).href);
