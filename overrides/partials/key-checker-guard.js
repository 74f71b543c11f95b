// Inlined by overrides/main.html right before the key checker's module, on pages with the
// widget. If key-checker.js (or a module it imports) never runs - a host that serves .js
// as application/octet-stream (browsers refuse such a module), a blocked or lost file -
// the widget would stay a dead box. The module script's "error" event then shows the
// widget's own error state: its texts and the manual checks are in the page, in its
// language; "Try again" loads the page again.
(function () {
  document.addEventListener("error", function (event) {
    if (!event.target || event.target.id !== "key-checker-module") return;
    function show() {
      var widgets = document.querySelectorAll(".key-checker");
      for (var i = 0; i < widgets.length; i += 1) {
        var root = widgets[i];
        root.setAttribute("data-state", "error");
        root.querySelector(".key-checker__error").hidden = false;
        root.querySelector(".key-checker__manual").hidden = false;
        root.querySelector(".key-checker__retry").addEventListener("click", function () { location.reload(); });
      }
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show, { once: true });
    else show();
  }, true);
})();
