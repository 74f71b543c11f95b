// The error-code lookup box (error-code pages and not-found pages). It takes what a
// reader types — "net-001", "NET001", " NET-001 ", full-width "ＮＥＴ－００１", a code with
// an invisible character picked up in copying — and goes to the section that explains
// the code. Targets, messages and the normalization table come from the form's data-*
// attributes (rendered from catalog/error-codes.yml and the checker's own table in
// checker/data/formats.json): no text and no character list lives here.
(() => {
  const SHAPE = /^([A-Z]{3})([0-9]{3})$/;
  // Beyond the checker's separators, what readers put between the parts of a code.
  const CODE_SEPARATORS = ["_", "."];
  const QUOTED_MAX = 40;  // an unknown code is echoed back, but not a whole pasted e-mail
  // Characters that show nothing (controls, zero-width and bidi marks, lone surrogates):
  // echoed by name, so an echo never looks like a code it is not.
  const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

  function characters(list) {
    return new Set(list.map((item) => String.fromCodePoint(parseInt(item.replace(/^U\+/, ""), 16))));
  }

  // The checker's rule (checker/keyformat.py, KeyFormat.analyse): NFKC, invisible
  // characters dropped, dashes and spaces are separators, a letter's case partner only
  // when it is one character ("ß" does not become "SS").
  function normalizer(table) {
    const invisible = characters(table.invisible_characters);
    const separators = new Set([...characters(table.dash_characters), ...CODE_SEPARATORS]);
    return (text) => {
      let compact = "";
      for (const char of String(text).normalize("NFKC")) {
        if (invisible.has(char) || separators.has(char) || /\s/u.test(char)) continue;
        const upper = char.toUpperCase();
        compact += upper.length === 1 ? upper : char;
      }
      const match = SHAPE.exec(compact);
      return match ? `${match[1]}-${match[2]}` : null;
    };
  }

  function pieces(text) {
    if (typeof Intl.Segmenter === "function") {
      return Array.from(new Intl.Segmenter().segment(text), (part) => part.segment);
    }
    return Array.from(text);
  }

  // What the reader typed, as text they can see: hidden characters named, cut between
  // characters (never inside one).
  function echo(typed) {
    const shown = Array.from(typed, (char) => (HIDDEN.test(char)
      ? `[U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}]`
      : char)).join("");
    const parts = pieces(shown);
    return parts.length > QUOTED_MAX ? `${parts.slice(0, QUOTED_MAX).join("")}…` : shown;
  }

  function setUp(form) {
    const targets = JSON.parse(form.dataset.targets);
    const normalize = normalizer(JSON.parse(form.dataset.normalization));
    const input = form.querySelector("input");
    const message = form.querySelector(".error-lookup__message");

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const typed = input.value.trim();
      const code = normalize(typed);
      if (code && Object.hasOwn(targets, code)) {
        form.dataset.state = "found";
        input.removeAttribute("aria-invalid");
        message.textContent = "";
        window.location.assign(targets[code]);
        return;
      }
      // split/join, not replace(): "$&" or "$'" in what was typed stays as typed.
      message.textContent = typed === ""
        ? form.dataset.messageEmpty
        : form.dataset.messageUnknown.split("{code}").join(echo(typed));
      form.dataset.state = typed === "" ? "empty" : "unknown";
      input.setAttribute("aria-invalid", "true");
      input.focus();
    });
    form.dataset.state = "ready";
    if (form.dataset.notFound !== undefined) followGoLink(targets, normalize);
  }

  // A not-found page answering a /go/ link in a spelling that has no page of its own
  // (/go/Net-001/, /go/net001): the reader is sent on to the code's section.
  function followGoLink(targets, normalize) {
    const match = /\/go\/([^/]+)\/?$/.exec(window.location.pathname);
    if (!match) return;
    let code = null;
    try {
      code = normalize(decodeURIComponent(match[1]));
    } catch {
      return; // not a code: a malformed %-escape
    }
    if (code && Object.hasOwn(targets, code)) window.location.replace(targets[code]);
  }

  function start() {
    document.querySelectorAll("form.error-lookup").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
