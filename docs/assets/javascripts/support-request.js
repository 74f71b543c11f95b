// "Prepare your request" on the support page (overrides/hooks/support_request.html).
// Assembles what the reader fills in — error code and message, product version, OS and
// browser (read from this browser, editable), steps already tried (ticked by the guide),
// the key checker's and the diagnosis's summaries — into one text: to copy, in a mailto:
// link, or in the vendor's web form address (its field names from catalog/product.yml).
// The site sends nothing. A pasted license key never gets through unmasked: anything
// shaped like one is hidden the checker's way (first and last group kept), and the
// reader is told. Ticks live in sessionStorage (section ids only, never the key).
import { supportSummary, summaryLine } from "./support-summary.js";

const TRIED_KEY = "activation-help-tried"; // shared with guide.js
const form = typeof document === "undefined" ? null : document.querySelector("[data-support-request]");

function escapeClass(chars) {
  return chars.replace(/[\\\]^-]/g, "\\$&");
}

/** The text with every key-shaped run hidden; `found` says whether there was one. */
export function maskKeys(text, rules) {
  const flags = rules.caseSensitive ? "gu" : "giu";
  const symbol = `[${escapeClass(rules.alphabet)}]`;
  const size = rules.groupSize;
  const groups = Math.ceil(rules.length / size);
  const visible = Math.min(size, Math.floor(rules.length / 5));
  // A whole key: its groups joined by a separator, a space or nothing.
  const whole = new RegExp(`(?<![\\p{L}\\p{N}])${symbol}{${size}}(?:[-‐‑–—−\\s]?${symbol}{${size}}){${groups - 1},}(?![\\p{L}\\p{N}])`, flags);
  // Part of a key: two groups or more joined by a dash.
  const part = new RegExp(`(?<![\\p{L}\\p{N}])${symbol}{${size}}(?:[-‐‑–—−]${symbol}{${size}})+(?![\\p{L}\\p{N}])`, flags);
  let found = false;
  const display = (symbols) => symbols.join("").match(new RegExp(`.{1,${size}}`, "gu")).join(rules.separator);
  let out = String(text).replace(whole, (match) => {
    found = true;
    const read = match.replace(/[-‐‑–—−\s]/g, "");
    const symbols = Array.from(rules.caseSensitive ? read : read.toUpperCase());
    const shown = [...symbols.slice(0, visible), ...Array(rules.length - 2 * visible).fill("•"),
                   ...symbols.slice(symbols.length - visible)];
    const line = display(shown);
    return symbols.length > rules.length ? line.replace(new RegExp(`${rules.separator}(?=[^${rules.separator}]*$)`), `…${rules.separator}`) : line;
  });
  out = out.replace(part, (match) => {
    found = true;
    return match.replace(new RegExp(symbol, flags), "•");
  });
  return { text: out, found };
}

/** The operating system and browser, in words, from this browser's user agent. */
export function detectSystem(ua) {
  let os = "";
  const windows = ua.match(/Windows NT ([\d.]+)/);
  if (windows) os = windows[1] === "10.0" ? "Windows 10 / 11" : `Windows NT ${windows[1]}`;
  else if (/iPhone|iPad/.test(ua)) os = "iOS / iPadOS";
  else if (/Mac OS X ([\d_]+)/.test(ua)) os = `macOS ${ua.match(/Mac OS X ([\d_]+)/)[1].replace(/_/g, ".")}`;
  else if (/Android/.test(ua)) os = "Android";
  else if (/CrOS/.test(ua)) os = "ChromeOS";
  else if (/Linux/.test(ua)) os = "Linux";
  const browsers = [[/Edg\/([\d]+)/, "Microsoft Edge"], [/Firefox\/([\d]+)/, "Firefox"],
                    [/OPR\/([\d]+)/, "Opera"], [/Chrom(?:e|ium)\/([\d]+)/, "Chrome"],
                    [/Version\/([\d.]+).*Safari/, "Safari"]];
  let browser = "";
  for (const [pattern, name] of browsers) {
    const match = ua.match(pattern);
    if (match) { browser = `${name} ${match[1]}`; break; }
  }
  return { os, browser };
}

function readTried() {
  try { return JSON.parse(sessionStorage.getItem(TRIED_KEY) || "[]"); } catch { return []; }
}

function saveTried(sections) {
  try { sessionStorage.setItem(TRIED_KEY, JSON.stringify(sections)); } catch { /* storage off: fine */ }
}

if (form) {
  const t = JSON.parse(form.dataset.texts);
  const rules = JSON.parse(form.dataset.keyFormat);
  const prefill = JSON.parse(form.dataset.prefill);
  const field = (name) => form.elements.namedItem(name);
  const output = field("output");
  const warning = form.querySelector("#support-request-warning");
  const status = form.querySelector(".support-request__status");
  const mail = form.querySelector(".support-request__mail");
  const web = form.querySelector(".support-request__form");
  const boxes = Array.from(form.querySelectorAll('input[name="tried"]'));

  const detected = detectSystem(navigator.userAgent);
  field("os").value = detected.os;
  field("browser").value = detected.browser;
  const tried = readTried();
  for (const box of boxes) box.checked = tried.includes(box.value);

  function update() {
    let masked = false;
    const value = (name) => {
      const result = maskKeys(field(name).value.trim(), rules);
      masked = masked || result.found;
      return result.text;
    };
    const code = summaryLine(value("code")).toUpperCase();
    const pasted = (name) => value(name).split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    const entries = [
      [t.code, code || t.none],
      [t.message, value("message") || t.none],
      [t.version, value("version") || t.none],
      [t.os, value("os") || t.none],
      [t.browser, value("browser") || t.none],
      [t.tried, boxes.filter((b) => b.checked).map((b) => b.parentElement.textContent.trim())],
    ];
    if (!entries[5][1].length) entries[5][1] = [t.none];
    const details = value("details");
    if (details) entries.push([t.details, details]);
    const checker = pasted("checker");
    if (checker.length) entries.push([t.checker, checker]);
    const diagnose = pasted("diagnose");
    if (diagnose.length) entries.push([t.diagnose, diagnose]);
    const text = supportSummary(t.title, entries);
    output.value = text;
    warning.textContent = masked ? t.masked : "";
    const subject = code ? t.subject_code.replace("{code}", code) : t.subject;
    mail.href = `mailto:${form.dataset.email}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(text)}`;
    const url = new URL(form.dataset.formUrl);
    const values = { subject, body: text, code };
    for (const [name, parameter] of Object.entries(prefill)) {
      if (values[name]) url.searchParams.set(parameter, values[name]);
    }
    web.href = url.href;
    form.dataset.state = "ready";
  }

  form.addEventListener("input", update);
  form.addEventListener("change", (event) => {
    if (event.target.name === "tried") saveTried(boxes.filter((b) => b.checked).map((b) => b.value));
    update();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.querySelector(".support-request__copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(output.value);
      status.textContent = t.copied;
    } catch {
      output.select();
      status.textContent = t.copy_failed;
    }
  });
  form.hidden = false;
  update();
}
