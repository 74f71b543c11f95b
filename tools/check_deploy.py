"""Check a published copy of the help site: `make check-deploy URL=https://help.example.com/`.

Reads the site at any base URL (as a reader's browser would) and says, in plain words,
for each kind of file: the Content-Type, the compression and the caching it gets; then
the not-found page in each language (and a catch-all host that has none), the /go/ links
(as published, without the final slash, in lower case), the Content-Security-Policy, the
security headers per kind of file with the grade Mozilla's HTTP Observatory would give,
a placeholder activation server left in "Check this computer", and whether the key
checker reaches "ready" and answers in Chromium.

Exit status (also in the README):
  0  it works: ok lines, perhaps WARN lines (slower, less safe or less helpful than it could be);
  1  broken: an ERROR line, something that breaks the checker (or the site) for readers;
  2  could not check: a bad URL, no answer from the site, or an UNCHECKED line (a request
     that hit its deadline, the total time limit) and no ERROR.
Every request has an overall deadline (--request-limit, headers and body together) and the
whole check a total one (--time-limit); both are printed at the start, and each when hit.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import site_layout  # noqa: E402

LANGUAGES = ("ja", "en")  # the default language first; it lives at the site root
JAVASCRIPT_TYPES = {"text/javascript", "application/javascript", "application/x-javascript",
                    "application/ecmascript", "text/ecmascript"}
LONG_CACHE = 7 * 24 * 3600  # seconds: less than this for files that never change is a missed chance
HTML_CACHE_LIMIT = 3600  # seconds: HTML cached longer than this keeps readers on old pages
READY_TIMEOUT = 60  # seconds, in Chromium
DEMO_KEY = "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"  # the checker's documented demo key, nobody's real key
REQUEST_LIMIT = 20  # seconds for one whole request, headers and body: a dripping host is cut off
TIME_LIMIT = 300  # seconds for the whole check, Chromium included
MAX_BODY = 64 * 1024 * 1024  # bytes read of one file; the biggest the site has is about 10 MB
EXIT_OK, EXIT_BROKEN, EXIT_UNCHECKED = 0, 1, 2


class Report:
    def __init__(self, out=sys.stdout):
        self.out, self.errors, self.warnings, self.unchecked_parts = out, 0, 0, 0
        self.by_kind = {}  # file kind -> (name, Response): the first of each, for the security headers

    def section(self, title):
        print(f"\n{title}", file=self.out)

    def ok(self, text):
        print(f"  ok     {text}", file=self.out)

    def warn(self, text):
        self.warnings += 1
        print(f"  WARN   {text}", file=self.out)

    def error(self, text):
        self.errors += 1
        print(f"  ERROR  {text}", file=self.out)

    def unchecked(self, text):
        self.unchecked_parts += 1
        print(f"  UNCHECKED  {text}", file=self.out)

    def info(self, text):
        print(f"         {text}", file=self.out)


class Response:
    def __init__(self, url, status, headers, body):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def encoding(self):
        return (self.headers.get("Content-Encoding") or "").strip().lower()


# --- requests, each with an overall deadline -----------------------------------
# urllib's timeout is per socket operation, so a host that drips a byte every few seconds
# never trips it. Each request runs in a thread instead, and at its deadline the sockets
# it opened are shut down, which ends any read it is blocked in.

class CouldNotCheck(Exception):
    """Something stopped a check before it could say ok or not (printed as UNCHECKED)."""


class RequestTimedOut(CouldNotCheck):
    pass


class TimeLimitReached(CouldNotCheck):
    pass


class Budget:
    """The total time limit of the whole check and the deadline of one request."""

    def __init__(self, total=TIME_LIMIT, per_request=REQUEST_LIMIT):
        self.total, self.per_request = total, per_request
        self.end = time.monotonic() + total

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeLimitReached(f"the total time limit of {self.total:g} s was reached; "
                                   "what follows was not checked (--time-limit)")
        return left

    def for_request(self):
        return min(self.per_request, self.remaining())


BUDGET = Budget()


def _opener(sockets):
    """urllib's opener, with each connection's socket kept in `sockets`."""
    def recording(connection_class):
        class Recording(connection_class):
            def connect(self):
                super().connect()
                sockets.append(self.sock)
        return Recording

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(recording(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(recording(http.client.HTTPSConnection), req, context=self._context)

    return urllib.request.build_opener(HTTP, HTTPS)


def _fetch(url, compressed, sockets, timeout):
    headers = {"User-Agent": "help-site-check-deploy",
               "Accept-Encoding": "gzip, deflate, br, zstd" if compressed else "identity"}
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener(sockets).open(request, timeout=timeout) as response:
            return Response(response.geturl(), response.status, response.headers, response.read(MAX_BODY))
    except urllib.error.HTTPError as error:
        return Response(error.geturl(), error.code, error.headers, error.read(MAX_BODY))


def get(url, compressed=True):
    """One GET, headers and body, within the request deadline (and the total time limit).

    Raises RequestTimedOut or TimeLimitReached (CouldNotCheck), or OSError (URLError) when
    the connection fails."""
    limit = BUDGET.for_request()
    sockets, outcome = [], {}

    def run():
        try:
            outcome["response"] = _fetch(url, compressed, sockets, limit)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        worker.join(1)
        if limit < BUDGET.per_request:
            BUDGET.remaining()  # raises TimeLimitReached when that is what cut it short
        raise RequestTimedOut(f"{url}: no complete answer within {limit:g} s (the deadline of one "
                              "request, --request-limit): readers would wait as long")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, (TimeoutError, socket.timeout)) or isinstance(
                getattr(error, "reason", None), (TimeoutError, socket.timeout)):
            raise RequestTimedOut(f"{url}: no answer within {limit:g} s") from error
        raise error
    return outcome["response"]


def decoded(response):
    """The body as text, whatever the compression (br and zstd: only if the modules exist)."""
    import gzip
    import zlib
    body = response.body
    try:
        if response.encoding == "gzip":
            body = gzip.decompress(body)
        elif response.encoding == "deflate":
            body = zlib.decompress(body)
        elif response.encoding in ("br", "zstd"):
            return None  # a second, uncompressed request reads the text
    except (OSError, zlib.error):
        return None
    return body.decode("utf-8", errors="replace")


def text_of(url):
    response = get(url)
    text = decoded(response)
    if text is None:
        response = get(url, compressed=False)
        text = response.body.decode("utf-8", errors="replace")
    return response, text


class RuntimeSettings(HTMLParser):
    """The checker page's runtime settings block and its page-kind file links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.settings, self.assets, self._in_settings = "", None, False
        self.scripts, self.styles, self.meta_csp, self.lang = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "script" and attrs.get("id") == "key-checker-runtime":
            self._in_settings, self.assets = True, attrs.get("data-assets")
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs.get("href"))
        elif tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy":
            self.meta_csp = attrs.get("content")

    def handle_endtag(self, tag):
        self._in_settings = False

    def handle_data(self, data):
        if self._in_settings:
            self.settings += data


def max_age(cache_control):
    match = re.search(r"(?:s-)?max-age=(\d+)", cache_control or "")
    return int(match.group(1)) if match else None


def describe_cache(response):
    cache = response.headers.get("Cache-Control")
    validators = [h for h in ("ETag", "Last-Modified") if response.headers.get(h)]
    if cache:
        return f"Cache-Control: {cache}"
    return "no Cache-Control" + (f" (revalidated by {' and '.join(validators)})" if validators else
                                 " and no ETag or Last-Modified")


def compression_words(response, size):
    if response.encoding:
        return f"{response.encoding}, {len(response.body):,} bytes sent"
    return f"not compressed, {size:,} bytes"


def check_file(report, kind, url, *, types, required_type, compress, immutable, name=None):
    """One file: reachable, right type, compressed if worth it, cached as it should be."""
    name = name or urlsplit(url).path.rsplit("/", 1)[-1]
    try:
        response = get(url)
    except RequestTimedOut as error:
        report.unchecked(f"{name}: {error}")
        return None
    except TimeLimitReached:
        raise
    except OSError as error:
        report.unchecked(f"{name}: the connection failed ({getattr(error, 'reason', error)}) at {url}")
        return None
    report.by_kind.setdefault(kind, (name, response))
    if response.status != 200:
        report.error(f"{name}: HTTP {response.status} at {url}; the site is incomplete there")
        return None
    size = len(response.body)
    sent = "already compressed, " + f"{size:,} bytes" if kind == "gzipped" and not response.encoding \
        else compression_words(response, size)
    words = f"{name}: {response.type or 'no Content-Type'}, {sent}, {describe_cache(response)}"
    if types and response.type not in types:
        problem = (f"{name} is served as {response.type or 'no Content-Type'}, not {sorted(types)[0]}"
                   f" ({url})")
        if required_type:
            report.error(f"{problem}: {required_type}")
        else:
            report.warn(f"{problem}")
        return response
    if kind == "gzipped" and response.encoding:
        report.warn(f"{name}: already compressed, but sent with Content-Encoding: {response.encoding}: the browser "
                    "unpacks it before the page does, the SRI check fails and the checker falls back to its "
                    "slower plain start. Remove the Content-Encoding for .gz and .zst files (Apache: AddEncoding).")
        return response
    age = max_age(response.headers.get("Cache-Control"))
    cache = response.headers.get("Cache-Control") or ""
    if compress and not response.encoding and size > 1024:
        report.warn(f"{name}: not compressed ({size:,} bytes): gzip or brotli would send far fewer (deploy/)")
    elif immutable and (age is None or age < LONG_CACHE or "no-cache" in cache or "no-store" in cache):
        report.warn(f"{name}: {describe_cache(response)}; its path carries a content hash, so it can be cached "
                    "for a year (Cache-Control: public, max-age=31536000, immutable; see deploy/)")
    elif not immutable and age is not None and age > HTML_CACHE_LIMIT and "no-cache" not in cache:
        report.warn(f"{name}: cached for {age} s, so readers keep an old copy after you publish")
    else:
        report.ok(words)
    return response


def check_files(report, base, checker_url, checker_html):
    page = RuntimeSettings()
    page.feed(checker_html)
    report.section("Pages (HTML)")
    check_file(report, "html", base, types={"text/html"}, required_type=None, compress=True, immutable=False,
               name="home page")
    check_file(report, "html", checker_url, types={"text/html"}, required_type=None, compress=True,
               immutable=False, name="checker page")

    report.section("Stylesheets")
    for href in page.styles:
        url = urljoin(checker_url, href)
        check_file(report, "css", url, types={"text/css"}, immutable=bool(re.search(r"\.[0-9a-f]{8}\.min\.", url)),
                   required_type="browsers ignore a stylesheet of another type: the site shows unstyled",
                   compress=True)

    if not page.settings:
        report.section("Key checker runtime")
        report.error(f"{checker_url} has no key-checker runtime settings: is this the help site, and is "
                     "the checker page published?")
        return None
    settings = json.loads(page.settings)
    assets = urljoin(checker_url, page.assets or "../assets/")
    runtime = urljoin(assets, settings.get("runtime", "pyodide/"))
    report.section("JavaScript (the page's scripts, the checker's workers, Pyodide's modules)")
    not_javascript = ("browsers refuse to run a module script of any other type, "
                      "so the key checker never starts. Serve it as text/javascript.")
    scripts = [urljoin(checker_url, src) for src in page.scripts]
    scripts += [urljoin(assets, f"javascripts/{name}") for name in
                ("key-checker-worker.js", "key-checker-unpacker.js", "zstd-stream.js")]
    scripts += [urljoin(runtime, name) for name in ("pyodide.js", "pyodide.asm.js", "zstd-decoder.js")]
    for url in dict.fromkeys(scripts):
        check_file(report, "js", url, types=JAVASCRIPT_TYPES, required_type=not_javascript, compress=True,
                   immutable=bool(re.search(r"\.[0-9a-f]{8}\.min\.js$|/assets/pyodide/[0-9a-f]+/", url)))

    report.section("WebAssembly")
    check_file(report, "wasm", urljoin(runtime, "pyodide.asm.wasm"), types={"application/wasm"},
               required_type="Pyodide compiles it with WebAssembly.instantiateStreaming, which accepts "
                             "application/wasm only: the checker's fallback start fails. Serve .wasm as "
                             "application/wasm.", compress=True, immutable=True)

    report.section("Compressed runtime files (gzip, zstd: the page unpacks them itself)")
    for name in (settings["wasm"], settings["snapshot"], settings["wasmZst"], settings["stdlib"]):
        check_file(report, "gzipped", urljoin(runtime, name), types=None, required_type=None, compress=False,
                   immutable=True)

    report.section("Data (JSON, the checker's wheel)")
    check_file(report, "json", urljoin(runtime, "pyodide-lock.json"), types={"application/json"},
               required_type=None, compress=False, immutable=True)
    check_file(report, "json", urljoin(base, "search/search_index.json"), types={"application/json"},
               required_type=None, compress=True, immutable=False, name="search index")
    check_file(report, "json", urljoin(base, site_layout.LINKS_JSON), types={"application/json"},
               required_type=None, compress=True, immutable=False)
    check_file(report, "wheel", urljoin(runtime, settings["wheel"]), types=None, required_type=None,
               compress=False, immutable=True)
    return page


def check_not_found(report, base):
    report.section("Not-found pages")
    own_pages = set()  # the site's 404 pages as published, to tell them from a catch-all's answer
    for lang in LANGUAGES:
        try:
            response, text = text_of(urljoin(base, site_layout.not_found_page(lang, LANGUAGES[0])))
        except RequestTimedOut as error:
            report.unchecked(str(error))
            continue
        if response.status == 200:
            own_pages.add(text)
    for lang in LANGUAGES:
        root = site_layout.language_root(lang, LANGUAGES[0])
        url = urljoin(base, f"{root}no-such-page-{uuid.uuid4().hex[:8]}/")
        where = f"a missing page under /{root}"
        try:
            response, text = text_of(url)
        except RequestTimedOut as error:
            report.unchecked(f"{where}: {error}")
            continue
        page = RuntimeSettings()
        page.feed(text)
        if response.status == 200 and text not in own_pages:
            # A single-page-app host's fallback: every miss gets index.html with 200.
            report.warn(f"{where} answers HTTP 200 with another page ({page_title(text) or 'no title'}), not "
                        "the site's 404 page: the host sends every missing address to one page (a single-page-app "
                        "catch-all or rewrite). Readers who mistype or follow an old link get that page, unstyled at "
                        "deeper addresses, and no way back; search engines index it. Turn the catch-all off and "
                        f"serve /{site_layout.not_found_page(lang, LANGUAGES[0])} with 404 (see deploy/)")
            continue
        if response.status != 404:
            report.warn(f"{where} answers HTTP {response.status}, not 404: search engines may index it")
        blocks = set(re.findall(r'data-not-found-language="([a-z-]+)"', text))
        if 'id="__config"' not in text:  # Material's settings block: on every page of the site
            report.warn(f"{where}: the server's own bare error page, not the site's: readers get no "
                        f"way back (point the server's 404 at /{site_layout.not_found_page(lang, LANGUAGES[0])}; "
                        "see deploy/)")
        elif page.lang == lang and not blocks:
            report.ok(f"{where}: the site's own 404 page, in {lang}")
        elif lang in blocks:
            report.ok(f"{where}: the site's root 404 page, which shows {lang} for this address "
                      "(its script picks the language; without JavaScript both show)")
        else:
            report.warn(f"{where}: the site's {page.lang} 404 page, not the {lang} one (deploy/ shows how)")


def page_title(text):
    match = re.search(r"<title>([^<]*)</title>", text)
    return match.group(1).strip()[:80] if match else None


def check_go_links(report, base):
    """/go/CODE/ (the product's error dialogs link there), without its slash, and in lower case."""
    report.section("Permanent links (/go/CODE/, from the product's error dialogs)")
    response, text = text_of(urljoin(base, site_layout.LINKS_JSON))
    try:
        codes = json.loads(text)["codes"]
        code, targets = next(iter(codes.items()))
    except (ValueError, KeyError, StopIteration, AttributeError):
        report.error(f"{site_layout.LINKS_JSON} (HTTP {response.status}) lists no error code: /go/ links cannot be checked")
        return
    origin = urlsplit(base)[:2]
    for lang in LANGUAGES:
        fragment = urlsplit(targets.get(lang, "")).fragment
        folder = site_layout.go_folder(code, lang, LANGUAGES[0])
        variants = [(folder, "as published"), (folder.rstrip("/"), "without its final slash"),
                    (site_layout.go_folder(code.lower(), lang, LANGUAGES[0]), "in lower case")]
        for path, how in variants:
            url = urljoin(base, path)
            try:
                response, text = text_of(url)
            except RequestTimedOut as error:
                report.unchecked(f"/{path} ({how}): {error}")
                continue
            except OSError as error:
                report.unchecked(f"/{path} ({how}): the connection failed ({getattr(error, 'reason', error)})")
                continue
            where = f"/{path} ({how})"
            if urlsplit(response.url)[:2] != origin:
                report.error(f"{where} redirects to {response.url}, another address than the one readers used "
                             "(a server that builds absolute redirects from its own name and port: nginx's "
                             "absolute_redirect; deploy/ turns it off)")
            elif response.status == 200 and f"#{fragment}" in text:
                report.ok(f"{where}: HTTP 200, leads to its section #{fragment}")
            elif how == "in lower case":
                report.warn(f"{where}: HTTP {response.status}, not its section: people and some CDNs write codes in "
                            "lower case (a build of this version has those pages; does the host change case?)")
            else:
                report.error(f"{where}: HTTP {response.status}, not the page that leads to #{fragment}: links in "
                             "the product's error dialogs end there")


def check_policy(report, base, checker_url, page):
    report.section("Content-Security-Policy")
    if page is not None and page.meta_csp:
        report.ok("the pages carry their own policy (<meta http-equiv>): "
                  f"{page.meta_csp.split('script-src', 1)[-1].split(';')[0].strip()[:60]}… for scripts")
    try:
        header = get(checker_url).headers.get("Content-Security-Policy")
    except RequestTimedOut as error:
        report.unchecked(str(error))
        return
    if not header:
        report.ok("the server adds no policy of its own")
        return
    directives = {d.strip().split(" ")[0]: d.strip() for d in header.split(";") if d.strip()}
    scripts = directives.get("script-src") or directives.get("default-src") or ""
    workers = directives.get("worker-src") or directives.get("script-src") or directives.get("default-src") or ""
    if scripts and "'wasm-unsafe-eval'" not in scripts and "'unsafe-eval'" not in scripts:
        report.error(f"the server's policy ({header}) has no 'wasm-unsafe-eval' in script-src: the checker "
                     "cannot compile its WebAssembly. Both policies apply; add it, or drop the header.")
    elif workers and "'self'" not in workers:
        report.error(f"the server's policy ({header}) does not allow workers from 'self': the checker cannot start")
    else:
        report.ok(f"the server adds a policy that lets the checker run: {header}")


# --- security headers, and the grade Mozilla's HTTP Observatory would give ---------

KIND_NAMES = {"html": "pages (HTML)", "css": "stylesheets", "js": "JavaScript", "wasm": "WebAssembly",
              "gzipped": "compressed runtime files", "json": "JSON", "wheel": "the checker's wheel"}
PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
LEAKY_REFERRER = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
HSTS_MIN_AGE = 15552000  # six months, in seconds: what the Observatory asks for
# Sources the Observatory calls "dangerously broad"; with these, 'unsafe-inline' and data:.
BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
NOT_IN_META = {"frame-ancestors", "report-uri", "sandbox"}  # directives a <meta> policy cannot carry


def policy_directives(policy):
    """{directive: set of sources} of one policy ("" or None: empty)."""
    directives = {}
    for part in (policy or "").split(";"):
        words = part.strip().lower().split()
        if words and words[0] not in directives:
            directives[words[0]] = set(words[1:]) or {"'none'"}
    return directives


def referrer_policy(headers):
    values = [v.strip().lower() for v in (headers.get("Referrer-Policy") or "").split(",")]
    known = [v for v in values if v in PRIVATE_REFERRER | LEAKY_REFERRER]
    return known[-1] if known else None


def hsts_max_age(headers):
    match = re.search(r"max-age=\"?(\d+)", headers.get("Strict-Transport-Security") or "", re.I)
    return int(match.group(1)) if match else None


def observatory_score(headers, meta_policy, https):
    """The score and grade Mozilla's HTTP Observatory would give a page's headers.

    Its public rules (npm @mdn/mdn-http-observatory 1.4.8: src/analyzer/tests/*.js and the
    SCORE_TABLE of src/grader/charts.js) for the tests that depend on this site's files and
    server configuration: Content-Security-Policy (header and <meta> together),
    X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors, header only),
    Referrer-Policy and, for https, Strict-Transport-Security. Not counted: the http-to-https
    redirect, cookies, CORS and CORP (the host's, not the site's; the site sets no cookie)
    and subresource integrity (every script is the site's own). Bonuses count only when the
    score without them is 90 or more, as there. Returns (score, grade, [(test, modifier)])."""
    modifiers = []
    header = policy_directives(headers.get("Content-Security-Policy"))
    meta = {k: v for k, v in policy_directives(meta_policy).items() if k not in NOT_IN_META}
    if not header and not meta:
        modifiers.append(("no Content-Security-Policy", -25))
    else:
        merged = dict(meta)
        for directive, sources in header.items():  # a source counts only if every policy allows it
            merged[directive] = sources & merged[directive] if directive in merged else sources
        default = merged.get("default-src")
        script = set(merged.get("script-src") or default or {"*"})
        style = set(merged.get("style-src") or default or {"*"})
        objects = merged.get("object-src") or default or {"*"}
        if any(source.startswith(("'sha256-", "'sha384-", "'sha512-", "'nonce-")) for source in script):
            script.discard("'unsafe-inline'")
        if script & (BROAD | UNSAFE_INLINE) or objects & BROAD:
            modifiers.append(("CSP allows inline or any-host scripts", -20))
        elif "'unsafe-eval'" in script | style:
            modifiers.append(("CSP allows 'unsafe-eval'", -10))
        elif style & (BROAD | UNSAFE_INLINE):
            modifiers.append(("CSP, 'unsafe-inline' in style-src only", 0))
        elif default == {"'none'"}:
            modifiers.append(("CSP with default-src 'none'", 10))
        else:
            modifiers.append(("CSP with nothing unsafe", 5))
    nosniff = (headers.get("X-Content-Type-Options") or "").strip().lower() == "nosniff"
    modifiers.append(("X-Content-Type-Options: nosniff", 0) if nosniff else ("no X-Content-Type-Options: nosniff", -5))
    if "frame-ancestors" in header:
        modifiers.append(("frame-ancestors in the CSP header", 5))
    elif (headers.get("X-Frame-Options") or "").strip().lower() in ("deny", "sameorigin"):
        modifiers.append(("X-Frame-Options", 0))
    else:
        modifiers.append(("no frame-ancestors or X-Frame-Options: any site may frame the pages", -20))
    referrer = referrer_policy(headers)
    if referrer in PRIVATE_REFERRER:
        modifiers.append((f"Referrer-Policy: {referrer}", 5))
    elif referrer:
        modifiers.append((f"Referrer-Policy: {referrer} (leaks addresses)", -5))
    if https:
        age = hsts_max_age(headers)
        if age is None:
            modifiers.append(("no Strict-Transport-Security", -20))
        elif age < HSTS_MIN_AGE:
            modifiers.append(("Strict-Transport-Security under six months", -10))
        else:
            modifiers.append(("Strict-Transport-Security", 0))
    uncurved = 100 + sum(m for _, m in modifiers if m < 0)
    score = max(0, 100 + sum(m for _, m in modifiers) if uncurved >= 90 else uncurved)
    key = min(score - score % 5, 100)
    grade = {100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-", 60: "C+", 55: "C",
             50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-"}.get(key, "F")
    return score, grade, modifiers


def check_security_headers(report, base, meta_policy):
    report.section("Security headers (per kind of file)")
    https = urlsplit(base).scheme == "https"
    for kind, (name, response) in report.by_kind.items():
        headers = response.headers
        present, missing = [], []
        if (headers.get("X-Content-Type-Options") or "").strip().lower() == "nosniff":
            present.append("X-Content-Type-Options: nosniff")
        else:
            missing.append("X-Content-Type-Options: nosniff (browsers may guess types)")
        if kind == "html":
            frame = policy_directives(headers.get("Content-Security-Policy")).get("frame-ancestors")
            if frame and not frame & BROAD:
                present.append(f"CSP frame-ancestors {' '.join(sorted(frame))}")
            elif (headers.get("X-Frame-Options") or "").strip().lower() in ("deny", "sameorigin"):
                present.append(f"X-Frame-Options: {headers.get('X-Frame-Options')}")
            else:
                missing.append("Content-Security-Policy: frame-ancestors (any site may show the pages in a frame; "
                               "a <meta> policy cannot say it)")
            referrer = referrer_policy(headers)
            if referrer in PRIVATE_REFERRER:
                present.append(f"Referrer-Policy: {referrer}")
            else:
                missing.append("Referrer-Policy: strict-origin-when-cross-origin" + (f" (it is {referrer})" if referrer else ""))
        if https:
            age = hsts_max_age(headers)
            if age is not None and age >= HSTS_MIN_AGE:
                present.append(f"Strict-Transport-Security: max-age={age}")
            elif kind == "html":
                missing.append("Strict-Transport-Security: max-age=63072000 (six months or more)")
        words = f"{KIND_NAMES.get(kind, kind)} ({name}): {', '.join(present) or 'none'}"
        if missing:
            report.warn(f"{words}; missing {'; '.join(missing)} (see deploy/)")
        else:
            report.ok(words)
    if not https:
        report.info("Strict-Transport-Security not checked: this address is http://")
    if "html" in report.by_kind:
        score, grade, modifiers = observatory_score(report.by_kind["html"][1].headers, meta_policy, https)
        counted = ", ".join(f"{name} {value:+d}" for name, value in modifiers)
        words = (f"the home page's headers would get {grade} ({score}) from Mozilla's HTTP Observatory, by its "
                 f"rules for CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy"
                 f"{' and HSTS' if https else ' (HSTS not counted on http://)'}: {counted}")
        report.ok(words) if grade == "A+" else report.warn(words)


# --- "Check this computer": no placeholder left ---------------------------------

EXAMPLE_HOSTS = re.compile(r"(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$")


def check_diagnose(report, base):
    report.section("\"Check this computer\" (/diagnose/)")
    for lang in LANGUAGES:
        url = urljoin(base, site_layout.language_root(lang, LANGUAGES[0]) + "diagnose/")
        response, text = text_of(url)
        match = re.search(r'<script type="application/json" class="diagnose__settings">(.*?)</script>', text, re.S)
        if response.status != 200 or not match:
            report.warn(f"/{urlsplit(url).path.lstrip('/')}: HTTP {response.status}, no diagnosis on it")
            continue
        endpoints = json.loads(match.group(1)).get("endpoints", [])
        placeholders = [e for e in endpoints if e.get("demo") or EXAMPLE_HOSTS.search(urlsplit(e["url"]).hostname or "")]
        where = urlsplit(url).path
        if placeholders:
            report.warn(f"{where}: the example activation server is still listed "
                        f"({', '.join(e['url'] for e in placeholders)}): readers cannot test their connection to "
                        "yours. List your own in catalog/diagnostics.yml and build again")
        elif endpoints:
            report.ok(f"{where}: tries {', '.join(urlsplit(e['url']).netloc for e in endpoints)}")
        else:
            report.warn(f"{where}: no activation server listed, so the page cannot test the connection to one")


def check_in_chromium(report, base, checker_urls):
    report.section("The key checker in Chromium")
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        report.error("Chromium not found: install Debian's chromium (make system-packages) to check the checker")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for url in checker_urls:
                context = browser.new_context()
                try:
                    check_checker_page(report, context, url, urlsplit(base).netloc)
                except PlaywrightError as error:  # a page that hangs, a crashed tab: never a traceback
                    report.unchecked(f"{urlsplit(url).path}: Chromium stopped: {str(error).splitlines()[0][:200]}")
                finally:
                    context.close()
        finally:
            browser.close()


def check_checker_page(report, context, url, origin):
    """One checker page in a fresh context: ready, answers the demo key, no request elsewhere."""
    page = context.new_page()
    name = urlsplit(url).path
    problems, hosts, finished = [], set(), []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https")
            and urlsplit(r.url).netloc != origin and hosts.add(urlsplit(r.url).netloc))
    page.on("requestfinished", lambda r: finished.append(r))
    started = time.monotonic()
    limit = min(READY_TIMEOUT, BUDGET.remaining())
    page.goto(url, timeout=limit * 1000)
    state = None
    while time.monotonic() - started < limit:
        state = page.evaluate("document.querySelector('.key-checker')?.dataset.state ?? null")
        if state in ("ready", "error", None):
            break
        page.wait_for_timeout(50)
    ready_s = time.monotonic() - started
    answered = None  # not asked
    if state == "ready" and BUDGET.remaining() > 5:
        page.fill(".key-checker__input", DEMO_KEY)
        page.press(".key-checker__input", "Enter")
        for _ in range(200):
            answered = page.evaluate("document.querySelector('.key-checker__result')?.dataset.valid !== undefined")
            if answered:
                break
            page.wait_for_timeout(25)
    sent = 0
    for request in finished:
        try:
            sent += request.sizes()["responseBodySize"]
        except Exception:  # a request Chromium dropped from its records
            pass
    if state == "ready" and answered:
        report.ok(f"{name}: ready in {ready_s:.1f} s and answers ({sent / 1e6:.1f} MB transferred, "
                  f"{len(finished)} requests)")
    elif state == "ready" and answered is None:
        report.unchecked(f"{name}: ready in {ready_s:.1f} s; no time left to try the demo key (total time limit)")
    elif state == "ready":
        report.error(f"{name}: ready in {ready_s:.1f} s, but gave no answer to the demo key")
    elif state is None:
        report.error(f"{name}: no key checker on the page")
    elif state == "error":
        report.error(f"{name}: the checker is {state!r} after {ready_s:.0f} s: readers see its error "
                     "box. The lines above say why; so may these:")
    elif limit < READY_TIMEOUT:
        report.unchecked(f"{name}: still {state!r} when the total time limit was reached")
    else:
        report.error(f"{name}: still {state!r} after {ready_s:.0f} s: readers wait and get no answer. "
                     "The lines above say why; so may these:")
    for problem in dict.fromkeys(problems):
        report.warn(f"{name}: {problem[:300]}") if state == "ready" else report.info(problem[:300])
    for host in sorted(hosts):
        report.warn(f"{name}: a request to another host, {host}: the site should make none")


def site_url(text):
    """The base URL a person typed, or a ValueError that says what is wrong with it."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https"):
        hint = f" (did you mean https://{text.strip()}?)" if not parts.scheme and text.strip() else ""
        raise ValueError(f"{text!r} is not an http:// or https:// address{hint}")
    if not parts.hostname:
        raise ValueError(f"{text!r} has no host name")
    try:
        parts.port
    except ValueError:
        raise ValueError(f"{text!r} has no valid port") from None
    return text.strip() if text.strip().endswith("/") else text.strip() + "/"


def positive_seconds(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return value


def main(argv=None):
    global BUDGET
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit status: 0 works, 1 broken (ERROR), 2 could not check (UNCHECKED).")
    parser.add_argument("url", help="the published site's base URL (its home page), with https:// or http://")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--time-limit", type=positive_seconds, default=TIME_LIMIT, metavar="SECONDS",
                        help=f"for the whole check (default {TIME_LIMIT})")
    parser.add_argument("--request-limit", type=positive_seconds, default=REQUEST_LIMIT, metavar="SECONDS",
                        help=f"for one request, headers and body together (default {REQUEST_LIMIT})")
    args = parser.parse_args(argv)
    try:
        base = site_url(args.url)
    except ValueError as error:
        print(f"ERROR  {error}", file=sys.stderr)
        return EXIT_UNCHECKED
    BUDGET = Budget(args.time_limit, args.request_limit)
    report = Report()
    print(f"Checking the help site at {base}")
    print(f"(time limits: {args.request_limit:g} s for each request, {args.time_limit:g} s for the whole check)")
    try:
        home = get(base)
    except CouldNotCheck as error:
        print(f"UNCHECKED  {error}")
        return EXIT_UNCHECKED
    except OSError as error:
        print(f"ERROR  cannot reach {base}: {getattr(error, 'reason', error)}")
        return EXIT_UNCHECKED
    if home.status != 200:
        print(f"ERROR  {base} answers HTTP {home.status}: is the site published there?")
        return EXIT_UNCHECKED
    checker_urls = [urljoin(base, site_layout.language_root(lang, LANGUAGES[0]) + site_layout.CHECKER_PAGE)
                    for lang in LANGUAGES]
    pages = {}

    def files():
        _, checker_html = text_of(checker_urls[0])
        pages["checker"] = check_files(report, base, checker_urls[0], checker_html)

    def policy():
        check_policy(report, base, checker_urls[0], pages.get("checker"))

    def headers():
        check_security_headers(report, base, getattr(pages.get("checker"), "meta_csp", None))

    stages = [files, lambda: check_not_found(report, base), lambda: check_go_links(report, base), policy,
              headers, lambda: check_diagnose(report, base)]
    if not args.no_browser:
        stages.append(lambda: check_in_chromium(report, base, checker_urls))
    for stage in stages:
        try:
            stage()
        except TimeLimitReached as error:
            report.unchecked(str(error))
            break
        except CouldNotCheck as error:
            report.unchecked(f"{error}; the rest of this part was not checked")
        except OSError as error:
            report.unchecked(f"the connection failed ({getattr(error, 'reason', error)}); the rest of this part "
                             "was not checked")
    print()
    if report.errors:
        print(f"{report.errors} error(s): the key checker (or the site) is broken for readers there. "
              f"{report.warnings} warning(s). Exit status 1: broken.")
        return EXIT_BROKEN
    if report.unchecked_parts:
        print(f"Could not check everything: {report.unchecked_parts} part(s) UNCHECKED, no error found. "
              f"{report.warnings} warning(s). Exit status 2: could not check.")
        return EXIT_UNCHECKED
    if report.warnings:
        print(f"Works. {report.warnings} warning(s): it could be faster, safer or friendlier (see deploy/ and the "
              "README's Publishing section).")
    else:
        print("Works, and is served as recommended.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
