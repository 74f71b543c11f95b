// Inlined at the top of each 404 page's <head> (overrides/hooks/not_found.py), right after
// its <base>. A host serves the page at any missing address, at any depth, and the site
// may be a copy served under a path of its own (/help/). The page's URLs are relative to
// its own folder (its language root), and <base> says where that is: as built, the
// address the site was built for; here, the site's root is found
// - where the missing address, or else the page the reader came from, meets one of the
//   site's top-level names (data-site-names: "/help/en/old/" -> "/help/"), if that is
//   the address as built or holds the site's root file (data-site-probe, links.json);
// - else the first of the address's first folders, the shortest first, that holds it.
// Asking is a request that waits (the root must be known before the stylesheets below
// are requested); none is made for an address under the site as built with a name of it.
(function () {
  var base = document.querySelector("base[data-site-names]");
  if (!base) return;
  var languageRoot = base.getAttribute("data-language-root");
  var built = base.getAttribute("href").slice(0, base.getAttribute("href").length - languageRoot.length);
  var names = base.getAttribute("data-site-names").split("/");
  var PROBED_DEPTH = 3; // folders tried: "/", "/a/", "/a/b/", "/a/b/c/"
  // The folder before the first of the site's top-level names in a path, if any.
  function named(path) {
    var parts = path.split("/");
    for (var i = 1; i < parts.length; i += 1) {
      var part;
      try { part = decodeURIComponent(parts[i]); } catch (error) { part = parts[i]; }
      if (names.indexOf(part) >= 0) return parts.slice(0, i).join("/") + "/";
    }
    return null;
  }
  // Whether the site's root file is in a folder (a request that waits).
  function holdsSite(folder) {
    try {
      var request = new XMLHttpRequest();
      request.open("HEAD", folder + base.getAttribute("data-site-probe"), false);
      request.send();
      return request.status === 200 && /json/.test(request.getResponseHeader("Content-Type") || "");
    } catch (error) {
      return false;
    }
  }
  function findRoot() {
    var from = null;
    try {
      var referrer = new URL(document.referrer);
      if (referrer.origin === location.origin) from = referrer.pathname;
    } catch (error) { /* no referrer */ }
    var guesses = [named(location.pathname), from && named(from)];
    for (var i = 0; i < guesses.length; i += 1) {
      // The address as built, with a name of the site after it: no need to ask.
      if (guesses[i] && (guesses[i] === built || holdsSite(guesses[i]))) return guesses[i];
    }
    var folders = location.pathname.split("/").slice(0, -1);
    for (var depth = 1; depth <= Math.min(folders.length, PROBED_DEPTH + 1); depth += 1) {
      var folder = folders.slice(0, depth).join("/") + "/";
      if (holdsSite(folder)) return folder;
    }
    return null;
  }
  var root = findRoot();
  if (root) base.href = root + languageRoot;
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
