// Inlined at the top of each 404 page's <head> (overrides/hooks/not_found.py), right after
// its <base>. A host serves the page at any missing address, at any depth, and the site
// may be a copy served under a path of its own (/help/). The page's URLs are relative to
// its own folder (its language root), and <base> says where that is: as built, the
// address the site was built for; here, the site's root is found
// - where the missing address, or else the page the reader came from, meets one of the
//   site's top-level names (data-site-names: "/help/en/old/" -> "/help/");
// - else by asking for the site's root file (data-site-probe, links.json) in the
//   address's first folders, the shortest first: a request that waits (it must be known
//   before the stylesheets below are requested), made only for such addresses.
(function () {
  var base = document.querySelector("base[data-site-names]");
  if (!base) return;
  var names = base.getAttribute("data-site-names").split("/");
  function rootOf(path) {
    var parts = path.split("/");
    for (var i = 1; i < parts.length; i += 1) {
      var part;
      try { part = decodeURIComponent(parts[i]); } catch (error) { part = parts[i]; }
      if (names.indexOf(part) >= 0) return parts.slice(0, i).join("/") + "/";
    }
    return null;
  }
  var from = null;
  try {
    var referrer = new URL(document.referrer);
    if (referrer.origin === location.origin) from = referrer.pathname;
  } catch (error) { /* no referrer */ }
  function probe(path) {
    var folders = path.split("/").slice(0, -1);
    for (var i = 1; i <= Math.min(folders.length, PROBED_DEPTH + 1); i += 1) {
      var candidate = folders.slice(0, i).join("/") + "/";
      try {
        var request = new XMLHttpRequest();
        request.open("HEAD", candidate + base.getAttribute("data-site-probe"), false);
        request.send();
        if (request.status === 200 && /json/.test(request.getResponseHeader("Content-Type") || "")) return candidate;
      } catch (error) {
        return null;
      }
    }
    return null;
  }
  var PROBED_DEPTH = 3; // "/", "/a/", "/a/b/", "/a/b/c/"
  var root = rootOf(location.pathname) || (from && rootOf(from)) || probe(location.pathname);
  if (root) base.href = root + base.getAttribute("data-language-root");
  document.addEventListener("readystatechange", function () {
    var settings = document.getElementById("__config");
    if (document.readyState !== "interactive" || !settings) return;
    // Before Material's (deferred) bundle runs: it resolves its settings against the
    // page's address, not <base>, so they become root-absolute paths.
    var app = JSON.parse(settings.textContent);
    app.base = new URL(app.base, document.baseURI).pathname;
    var worker = new URL(app.search, document.baseURI);
    app.search = worker.pathname + worker.search;
    settings.textContent = JSON.stringify(app);
    // In-page links ("#id") are about this page, not the one <base> names.
    var links = document.querySelectorAll('a[href^="#"]');
    for (var j = 0; j < links.length; j += 1) {
      links[j].setAttribute("href", location.pathname + location.search + links[j].getAttribute("href"));
    }
  });
})();
