// The plain-text summary a reader copies for support, on every page that offers one (the
// key checker, "Check this computer"). One place decides its shape and its limits, so no
// page can copy more than this allows:
// - a title line, then one line per entry: "label: value", or "- item" for list items;
// - control, format (zero-width, bidi) and surrogate characters are dropped from every
//   line, so a pasted value cannot hide text or reorder the summary on support's screen;
// - each line holds at most MAX_LINE_CHARS characters and the whole summary at most
//   MAX_LINES lines and MAX_SUMMARY_CHARS characters; cuts fall between code points and
//   are marked with "…".
// What a page may put in it is the page's business (the checker's lines about a key come
// from checker.support_summary, which never says anything about the hidden characters).

export const MAX_LINE_CHARS = 300;
export const MAX_LINES = 60;
export const MAX_SUMMARY_CHARS = 6000;

// Cc (controls), Cf (format: zero-width, bidi marks and overrides), Cs (lone surrogates),
// and line/paragraph separators, which would break the one-entry-per-line shape.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;

function cut(text, limit) {
  const points = Array.from(text);
  return points.length <= limit ? text : points.slice(0, limit - 1).join("") + "…";
}

/** One summary line: `value` as plain text, cleaned and cut to MAX_LINE_CHARS. */
export function summaryLine(value) {
  return cut(String(value ?? "").replace(HIDDEN, " ").replace(/\s+/g, " ").trim(), MAX_LINE_CHARS);
}

/**
 * The summary text.
 * `entries`: strings (a line as is), [label, value] pairs ("label: value"), or
 * [label, [item, …]] pairs ("label:" then "- item" lines).
 */
export function supportSummary(title, entries) {
  const lines = [summaryLine(title)];
  for (const entry of entries) {
    if (!Array.isArray(entry)) {
      lines.push(summaryLine(entry));
    } else if (Array.isArray(entry[1])) {
      lines.push(`${summaryLine(entry[0])}:`);
      for (const item of entry[1]) lines.push(summaryLine(`- ${summaryLine(item)}`));
    } else {
      lines.push(summaryLine(`${summaryLine(entry[0])}: ${summaryLine(entry[1])}`));
    }
  }
  if (lines.length > MAX_LINES) lines.splice(MAX_LINES - 1, Infinity, "…");
  return cut(lines.join("\n"), MAX_SUMMARY_CHARS);
}
