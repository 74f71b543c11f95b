// The guided troubleshooter (docs/guide.md, rendered from catalog/guide.yml by
// overrides/hooks/guide.py). Without this script the page is the whole guide as a list
// of questions whose answers link to the next question or to the fix. With it, one
// question shows at a time: the one the address names (#step-id), the first one
// otherwise. Answers are plain links, so each step is an entry in the history and the
// browser's Back goes to the previous question. A classic script: it also runs from
// file:// (the offline help).
(function () {
  "use strict";
  var TRIED_KEY = "activation-help-tried"; // section ids of fixes the reader opened; never the key
  var guide = document.querySelector("[data-guide]");
  if (!guide) return;
  var steps = Array.prototype.slice.call(guide.querySelectorAll("[data-step]"));
  var start = guide.getAttribute("data-start");
  // The steps of this page's history entries, by position (kept in history.state), so
  // "Previous question" can be the browser's own Back when that is where it leads.
  var trail = [];
  var position = -1;

  function stepNamed(id) {
    for (var i = 0; i < steps.length; i++) if (steps[i].getAttribute("data-step") === id) return steps[i];
    return null;
  }

  function current() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ""; }
    return stepNamed(id) || stepNamed(start);
  }

  function show(moveFocus) {
    var step = current();
    for (var i = 0; i < steps.length; i++) steps[i].hidden = steps[i] !== step;
    var id = step.getAttribute("data-step");
    guide.setAttribute("data-current", id);
    if (moveFocus) {
      // Screen readers and keyboards start from the new question.
      var heading = step.querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function remember(section) {
    try {
      var tried = JSON.parse(sessionStorage.getItem(TRIED_KEY) || "[]");
      if (tried.indexOf(section) < 0) tried.push(section);
      sessionStorage.setItem(TRIED_KEY, JSON.stringify(tried));
    } catch (e) { /* storage off (file://, privacy settings): the ticks are a convenience */ }
  }

  guide.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    var fix = link.getAttribute("data-fix");
    if (fix) remember(fix);
    // "Previous question": the browser's own Back when that is where the reader came from.
    if (link.classList.contains("guide-back") && position > 0 &&
        trail[position - 1] === link.getAttribute("href").slice(1)) {
      event.preventDefault();
      history.back();
    }
  });

  function record() {
    var id = current().getAttribute("data-step");
    var state = history.state;
    if (state && typeof state.guideStep === "number") {
      position = state.guideStep; // Back or Forward to an entry we numbered
    } else {
      position += 1; // a new entry: an answer, a link, or the first visit
      trail.length = position;
      try { history.replaceState({ guideStep: position }, ""); } catch (e) { /* no history API: links still work */ }
    }
    trail[position] = id;
  }

  window.addEventListener("hashchange", function () {
    record();
    show(true);
  });
  guide.classList.add("guide--one-at-a-time");
  record();
  show(false);
})();
