// "Check this computer" (docs/diagnose.md, overrides/partials/diagnose.html): runs every
// check in this browser and shows one result per check. Texts and settings come from the
// page (catalog/diagnostics.yml); nothing here is shown to readers as is.
//
// What a browser can and cannot learn about a cross-origin server:
// - `mode: "cors"` (the endpoint sends Access-Control-Allow-Origin): the status is readable,
//   so healthy / server error / something else can be told apart.
// - `mode: "no-cors"`: the answer is opaque (status 0); it only proves that *something*
//   answered. A CORS failure rejects exactly like a network failure, so after one the
//   endpoint is asked again without CORS to tell "answered, unreadable" from "no answer".
// - A refused connection, a DNS failure, a firewall, a proxy or security software all
//   reject the same way ("blocked"); so does a URL the page's CSP forbids, which is told
//   apart by the `securitypolicyviolation` event it fires.
// Nothing outside the data file is contacted: the page's CSP connect-src lists exactly its
// endpoints (redirects included). In "cors" mode a redirect is not followed at all and
// counts as an unexpected answer (a captive portal, a proxy). A demo endpoint (the example
// vendor's placeholder) is listed, never tried.
// The clock: this computer's against the help site's server (`Date` of the online check)
// and, where an activation server exposes its `Date` to CORS, against that one too. Two
// servers that agree make a verdict on this computer's clock; one server alone only says
// which two clocks disagree.

import { supportSummary } from "./support-summary.js";

const root = document.querySelector(".diagnose");

// Origins a fetch was refused for by the page's CSP (a policy in a header too, which
// the page cannot read).
const refusedByPolicy = new Set();
document.addEventListener("securitypolicyviolation", (event) => {
  if (!/^connect-src/.test(event.effectiveDirective || event.violatedDirective)) return;
  try {
    refusedByPolicy.add(new URL(event.blockedURI).origin);
  } catch {
    // "inline", "eval" and the like: not a connection
  }
});

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A task later (not a microtask): the violation event is queued as a task after the
// fetch is refused. MessageChannel, not setTimeout, which a test's fake clock may own.
function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Milliseconds as seconds for readers: "8", "1.5". */
function seconds(ms) {
  return String(Math.round(ms / 100) / 10);
}

/** Whether the CSP refused `origin`: its violation event may come a few tasks after the rejection. */
async function refusedByPolicyAfterAWhile(origin) {
  const start = performance.now();
  for (let turn = 0; turn < 50 && performance.now() - start < 100; turn += 1) {
    if (refusedByPolicy.has(origin)) return true;
    await nextTask();
  }
  return refusedByPolicy.has(origin);
}

function isTimeout(error) {
  return error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function timeoutSignal(ms) {
  if (typeof AbortSignal.timeout === "function") return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

// --- the checks ----------------------------------------------------------------

/** The help site itself, fresh (no cache), and its clock from the Date header. */
async function checkOnline(settings) {
  const url = new URL(document.URL);
  url.hash = "";
  // A fresh answer from any cache in between too (Age corrects what a CDN still adds).
  url.search = `?fresh=${Math.random().toString(36).slice(2)}`;
  const deviceStart = Date.now();
  const start = performance.now();
  try {
    const response = await fetch(url, {
      method: "HEAD", cache: "no-store", credentials: "same-origin", redirect: "follow",
      signal: timeoutSignal(settings.onlineTimeoutMs),
    });
    const roundTrip = performance.now() - start;
    return { kind: "online_ok", roundTrip, skewMs: skewFrom(response, deviceStart, roundTrip) };
  } catch (error) {
    return { kind: isTimeout(error) ? "online_timeout" : "online_failed", skewMs: null };
  }
}

/** This computer's clock minus a server's, from its `Date` header (null if unreadable). */
function skewFrom(response, deviceStart, roundTrip) {
  const date = Date.parse(response.headers.get("Date") || "");
  if (!Number.isFinite(date)) return null;
  const age = Number(response.headers.get("Age")) || 0;
  // The header is cut to whole seconds: the server's time was half a second later on average.
  return deviceStart + roundTrip / 2 - (date + 500 + age * 1000);
}

function inRanges(status, ranges) {
  return ranges.some(([low, high]) => status >= low && status <= high);
}

/** One activation endpoint: what a browser can tell about it (see the top of this file). */
async function checkEndpoint(endpoint, settings) {
  if (endpoint.demo) return { kind: "endpoint_demo" };
  const origin = new URL(endpoint.url).origin;
  const ask = (mode) => fetch(endpoint.url, {
    method: "GET", mode, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    // "no-cors" only allows "follow"; the CSP still refuses a redirect to any other host.
    redirect: mode === "cors" ? "manual" : "follow", signal: timeoutSignal(endpoint.timeoutMs),
  });
  try {
    const deviceStart = Date.now();
    const start = performance.now();
    const response = await ask(endpoint.cors ? "cors" : "no-cors");
    // Readable only when the server lists Date in Access-Control-Expose-Headers.
    const skewMs = response.type === "cors" ? skewFrom(response, deviceStart, performance.now() - start) : null;
    if (response.body) response.body.cancel().catch(() => {});
    if (response.type === "opaque") return { kind: "endpoint_opaque" };
    if (response.type === "opaqueredirect") return { kind: "endpoint_unexpected", status: "3xx" };
    if (endpoint.healthyStatus.includes(response.status)) return { kind: "endpoint_reachable", status: response.status, skewMs };
    if (inRanges(response.status, settings.serverSideStatus)) {
      return { kind: "endpoint_server_error", status: response.status, skewMs };
    }
    return { kind: "endpoint_unexpected", status: response.status };
  } catch (error) {
    if (isTimeout(error)) return { kind: "endpoint_timeout" };
    if (await refusedByPolicyAfterAWhile(origin)) return { kind: "endpoint_csp" };
    if (!endpoint.cors) return { kind: "endpoint_blocked" };
  }
  try {
    await ask("no-cors");
    return { kind: "endpoint_opaque_after_cors" };
  } catch (error) {
    return { kind: isTimeout(error) ? "endpoint_timeout" : "endpoint_blocked" };
  }
}

function canRunModuleWorkers() {
  if (typeof Worker !== "function") return false;
  let asked = false;
  try {
    // A browser reads `type` only if it knows module workers; the bad URL then throws
    // before anything is fetched.
    new Worker("http://[", { get type() { asked = true; return "module"; } });
  } catch {
    // expected
  }
  return asked;
}

/** What the key checker needs that this browser lacks (feature ids). */
function missingForKeyChecker() {
  const missing = [];
  if (typeof WebAssembly !== "object" || typeof WebAssembly.compileStreaming !== "function") missing.push("webassembly");
  if (!canRunModuleWorkers()) missing.push("module_workers");
  try {
    new DecompressionStream("gzip");
  } catch {
    missing.push("decompression");
  }
  return missing;
}

// Product names, the same in every language.
const BROWSERS = [
  ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /OPR\/(\d+)/],
  ["Samsung Internet", /SamsungBrowser\/(\d+)/],
  ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
  ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
  ["Safari", /Version\/(\d+)(?:\.\d+)*(?: Mobile\/\S+)? Safari\//],
];
const WINDOWS_VERSIONS = { "10.0": "10/11", "6.3": "8.1", "6.2": "8", "6.1": "7" };

function browserName(ua) {
  for (const [name, pattern] of BROWSERS) {
    const match = ua.match(pattern);
    if (match) return `${name} ${match[1]}`;
  }
  return null;
}

function osName(ua) {
  let match = ua.match(/Windows NT (\d+\.\d+)/);
  if (match) return `Windows ${WINDOWS_VERSIONS[match[1]] || match[1]}`;
  match = ua.match(/(?:iPhone|iPad|iPod).*? OS (\d+)/);
  if (match) return `iOS/iPadOS ${match[1]}`;
  if (/Macintosh|Mac OS X/.test(ua)) return "macOS";
  match = ua.match(/Android (\d+)/);
  if (match) return `Android ${match[1]}`;
  if (/CrOS/.test(ua)) return "ChromeOS";
  if (/Linux/.test(ua)) return "Linux";
  return null;
}

function utcOffset(date) {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

// --- the page -----------------------------------------------------------------

class Diagnosis {
  constructor(node) {
    this.root = node;
    this.t = JSON.parse(node.querySelector(".diagnose__texts").textContent);
    this.settings = JSON.parse(node.querySelector(".diagnose__settings").textContent);
    this.languageRoot = new URL(node.dataset.languageRoot, document.baseURI);
    this.button = node.querySelector(".diagnose__start");
    this.output = node.querySelector(".diagnose__results");
    this.button.addEventListener("click", () => this.run());
    this.button.disabled = false;
  }

  /** Every check; resolves with the list of results (also rendered). */
  async run() {
    const { t, settings } = this;
    this.button.disabled = true;
    this.root.dataset.state = "running";
    this.output.setAttribute("aria-busy", "true");
    this.output.replaceChildren(element("p", "diagnose__running", t.running));
    const started = performance.now();
    const startedAt = new Date();

    const online = await checkOnline(settings);
    const endpoints = online.kind === "online_ok"
      ? await Promise.all(settings.endpoints.map((endpoint) => checkEndpoint(endpoint, settings)))
      : settings.endpoints.map((endpoint) => ({ kind: endpoint.demo ? "endpoint_demo" : "endpoint_offline" }));
    const results = [this.onlineResult(online)];
    if (settings.endpoints.length === 0) {
      results.push({ check: "endpoint", name: t.checks.activation, kind: "no_endpoints", status: "info",
        message: t.results.no_endpoints });
    }
    settings.endpoints.forEach((endpoint, i) => results.push(this.endpointResult(endpoint, endpoints[i])));
    // The first activation server whose clock could be read, in the catalog's order.
    const index = endpoints.findIndex((outcome) => Number.isFinite(outcome.skewMs));
    const activation = index < 0 ? null : { name: settings.endpoints[index].name, skewMs: endpoints[index].skewMs };
    results.push(this.clockResult(online.skewMs, activation), this.timezoneResult(), this.browserResult(),
      this.keyCheckerResult());

    const durationMs = performance.now() - started;
    this.render(results, startedAt, durationMs);
    this.root.dataset.durationMs = String(Math.round(durationMs));
    this.root.dataset.state = "done";
    this.output.removeAttribute("aria-busy");
    this.button.textContent = t.again;
    this.button.disabled = false;
    return results;
  }

  onlineResult(online) {
    const { t, settings } = this;
    const ok = online.kind === "online_ok";
    const values = { ms: ok ? Math.round(online.roundTrip) : "", seconds: seconds(settings.onlineTimeoutMs) };
    return {
      check: "online", name: t.checks.online, kind: online.kind, status: ok ? "ok" : "problem",
      message: format(t.results[online.kind], values),
      details: t.details[online.kind] && format(t.details[online.kind], values), link: ok ? null : t.links.online,
    };
  }

  endpointResult(endpoint, outcome) {
    const { t } = this;
    const kind = outcome.kind;
    // Offline: the online check carries the problem; these were not tried.
    const status = { endpoint_reachable: "ok", endpoint_opaque: "info", endpoint_csp: "info", endpoint_offline: "info",
      endpoint_demo: "info" }[kind] || "problem";
    const link = {
      endpoint_server_error: t.links.server_error, endpoint_opaque_after_cors: t.links.server_error,
      endpoint_timeout: t.links.timeout, endpoint_blocked: t.links.blocked, endpoint_offline: t.links.online,
      endpoint_unexpected: t.links.unexpected, endpoint_csp: t.links.csp,
    }[kind] || null;
    const values = { name: endpoint.name, status: outcome.status ?? "", seconds: seconds(endpoint.timeoutMs) };
    return {
      check: "endpoint", id: endpoint.id, name: format(t.checks.endpoint, { name: endpoint.name }), kind, status,
      httpStatus: outcome.status ?? null, message: format(t.results[kind], values),
      details: t.details[kind] && format(t.details[kind], values), link,
    };
  }

  /**
   * This computer's clock against this site's server (`siteSkewMs`) and, when one exposed
   * its Date, an activation server (`activation`: {name, skewMs}). A verdict on this
   * computer's clock only when two servers agree; one server alone: which clocks differ.
   */
  clockResult(siteSkewMs, activation) {
    const { t, settings } = this;
    const limitMs = settings.clockThresholdSeconds * 1000;
    const off = (ms) => ms !== null && Math.abs(ms) > limitMs;
    const minutes = (ms) => Math.max(1, Math.round(Math.abs(ms) / 60000));
    const site = Number.isFinite(siteSkewMs) ? siteSkewMs : null;
    let kind;
    let skewMs;
    let other = t.clock_site;
    if (activation) {
      other = activation.name;
      skewMs = activation.skewMs;
      if (!off(skewMs)) kind = off(site) ? "clock_site_differs" : "clock_ok";
      else if (site === null) kind = skewMs > 0 ? "clock_differs_ahead" : "clock_differs_behind";
      else if (!off(site)) kind = "clock_server_differs";
      else if (Math.sign(site) === Math.sign(skewMs)) kind = skewMs > 0 ? "clock_ahead" : "clock_behind";
      else kind = skewMs > 0 ? "clock_differs_ahead" : "clock_differs_behind";
    } else {
      skewMs = site;
      if (site === null) kind = "clock_unknown";
      else if (!off(site)) kind = "clock_ok";
      else kind = site > 0 ? "clock_differs_ahead" : "clock_differs_behind";
    }
    const status = { clock_unknown: "info", clock_ok: "ok", clock_site_differs: "ok" }[kind] || "problem";
    const link = { clock_server_differs: t.links.server_error }[kind] || (status === "problem" ? t.links.clock : null);
    const values = {
      other, seconds: settings.clockThresholdSeconds,
      minutes: kind === "clock_site_differs" ? minutes(site - skewMs) : minutes(skewMs ?? 0),
      site: site === null ? "" : String(Math.round(site / 60000)),
    };
    return { check: "clock", name: t.checks.clock, kind, status, skewMs: skewMs ?? null, siteSkewMs: site,
      message: format(t.results[kind], values), details: t.details[kind] && format(t.details[kind], values), link };
  }

  timezoneResult() {
    const { t } = this;
    let zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
      // an old browser: the offset alone
    }
    const offset = utcOffset(new Date());
    return { check: "timezone", name: t.checks.timezone, kind: "timezone", status: "info",
      message: format(t.results.timezone, { zone: zone ? `${zone} (${offset})` : offset }) };
  }

  browserResult() {
    const { t } = this;
    const ua = navigator.userAgent;
    return { check: "browser", name: t.checks.browser, kind: "browser", status: "info",
      message: format(t.results.browser, { browser: browserName(ua) || t.unknown_browser, os: osName(ua) || t.unknown_os }) };
  }

  keyCheckerResult() {
    const { t } = this;
    const missing = missingForKeyChecker();
    if (!missing.length) {
      return { check: "key-checker", name: t.checks.key_checker, kind: "key_checker_ok", status: "ok",
        message: t.results.key_checker_ok };
    }
    const values = { missing: missing.map((id) => t.features[id]).join(", ") };
    return { check: "key-checker", name: t.checks.key_checker, kind: "key_checker_missing", status: "problem",
      message: format(t.results.key_checker_missing, values), details: format(t.details.key_checker_missing, values),
      link: t.links.key_checker };
  }

  render(results, startedAt, durationMs) {
    const { t } = this;
    const problems = results.filter((r) => r.status === "problem").length;
    const nodes = [element("p", "diagnose__summary",
      problems ? format(t.done_problems, { count: problems }) : t.done_ok)];
    const list = element("ul", "diagnose__list");
    for (const result of results) {
      const item = element("li", `diagnose__item diagnose__item--${result.status}`);
      item.dataset.check = result.check;
      item.dataset.result = result.kind;
      item.dataset.status = result.status;
      if (result.id) item.dataset.endpoint = result.id;
      if (result.check === "clock" && result.skewMs !== null) item.dataset.skewMs = String(Math.round(result.skewMs));
      if (result.check === "clock" && result.siteSkewMs !== null) item.dataset.siteSkewMs = String(Math.round(result.siteSkewMs));
      const head = element("p", "diagnose__head");
      head.append(element("span", "diagnose__badge", t.status[result.status]), " ",
        element("strong", "diagnose__name", result.name));
      item.append(head, element("p", "diagnose__message", result.message));
      if (result.details) {
        // Technical words (DNS, CORS, Date headers …) stay out of the plain sentence above.
        const details = element("details", "diagnose__details");
        details.append(element("summary", null, t.details_title), element("p", null, result.details));
        item.append(details);
      }
      if (result.link) {
        const link = element("a", "diagnose__link", result.link.text);
        link.href = new URL(result.link.href, this.languageRoot).href;
        const p = element("p");
        p.append("→ ", link);
        item.append(p);
      }
      list.append(item);
    }
    nodes.push(list);

    const summary = supportSummary(t.summary_title, [
      [t.summary_time, startedAt.toISOString()],
      [t.summary_duration, format(t.summary_duration_value, { seconds: (durationMs / 1000).toFixed(1) })],
      ...results.map((r) => [r.name, `${t.status[r.status]}: ${r.message}${r.details ? ` (${r.details})` : ""}`]),
    ]);
    const copy = element("button", "md-button diagnose__copy", t.copy);
    copy.type = "button";
    const note = element("p", "diagnose__copy-note");
    const fallback = element("pre", "diagnose__summary-text", summary);
    fallback.hidden = true;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(summary);
        note.textContent = t.copied;
      } catch {
        note.textContent = t.copy_failed;
        fallback.hidden = false;
      }
    });
    const actions = element("p", "diagnose__actions");
    actions.append(copy);
    nodes.push(actions, note, fallback);
    this.output.replaceChildren(...nodes);
    this.root.dataset.summary = "ready";
    this.summaryText = summary;
  }
}

if (root) {
  const diagnosis = new Diagnosis(root);
  root.dataset.state = "ready";
  // For tests and the bench: the same run a click starts.
  root.diagnose = () => diagnosis.run();
}
