// The error-code lookup box (error-code pages and not-found pages). It takes what a
// reader types — "net-001", "NET001", " NET-001 ", full-width "ＮＥＴ－００１" — and goes
// to the section that explains the code. Targets and messages come from the form's
// data-* attributes (rendered from catalog/error-codes.yml): no text lives here.
(() => {
  // Spaces and every kind of dash or underscore a reader may type between the parts.
  const NOISE = /[\s\-_.\u2010-\u2015\u2212\u30fc\uff0d\uff3f]/gu;
  const SHAPE = /^([A-Z]{3})([0-9]{3})$/;
  const QUOTED_MAX = 40;  // an unknown code is echoed back, but not a whole pasted e-mail

  function normalize(text) {
    const compact = String(text).normalize("NFKC").toUpperCase().replace(NOISE, "");
    const match = SHAPE.exec(compact);
    return match ? `${match[1]}-${match[2]}` : null;
  }

  function setUp(form) {
    const targets = JSON.parse(form.dataset.targets);
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
      const quoted = typed.length > QUOTED_MAX ? `${typed.slice(0, QUOTED_MAX)}…` : typed;
      message.textContent = typed === ""
        ? form.dataset.messageEmpty
        : form.dataset.messageUnknown.replace("{code}", quoted);
      form.dataset.state = typed === "" ? "empty" : "unknown";
      input.setAttribute("aria-invalid", "true");
      input.focus();
    });
    form.dataset.state = "ready";
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
