"""Check a published copy of the help site: `make check-deploy URL=https://help.example.com/`.

Reads the site at any base URL (as a reader's browser would) and says, in plain words,
for each kind of file: the Content-Type, the compression and the caching it gets; then
the not-found page in each language, the Content-Security-Policy, and whether the key
checker reaches "ready" and answers in Chromium.

ERROR lines break the checker (or the site) for readers: the exit status is 1.
WARN lines only make it slower or less helpful than it could be: the exit status stays 0.
"""

import argparse
import json
import os
import re
import shutil
import sys
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
TIMEOUT = 30


class Report:
    def __init__(self, out=sys.stdout):
        self.out, self.errors, self.warnings = out, 0, 0

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


def get(url, compressed=True):
    headers = {"User-Agent": "help-site-check-deploy",
               "Accept-Encoding": "gzip, deflate, br, zstd" if compressed else "identity"}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return Response(url, response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(url, error.code, error.headers, error.read())


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
    response = get(url)
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


def check_binary_copy(report, wasm, settings):
    """Which copy of Pyodide's binary each start takes here (key-checker-unpacker.js): its own URL
    when the host compresses it (br or zstd: both starts; gzip: the snapshot start), else the copy
    the build compressed for that start."""
    encoding, sent = wasm.encoding, f"{len(wasm.body):,} bytes"
    sizes = settings.get("sizes", {})
    plain = sizes.get("plain", {}).get("wasm")
    if encoding in ("br", "zstd"):
        report.ok(f"pyodide.asm.wasm comes as {encoding} ({sent}): both starts take it, inflated by the browser")
    elif encoding in ("gzip", "x-gzip"):
        report.ok(f"pyodide.asm.wasm comes as gzip ({sent}): the snapshot start takes it; the plain start "
                  f"(slow connections) takes its zstd copy ({plain:,} bytes)" if plain else
                  f"pyodide.asm.wasm comes as gzip ({sent}): the snapshot start takes it")
        report.info("serving the build's pyodide.asm.wasm.br for it (nginx brotli_static, Caddy precompressed: "
                    "deploy/) would let both starts take 2.8 MB")
    else:
        report.info("pyodide.asm.wasm comes uncompressed: each start takes the copy the build compressed for it "
                    "(after one dropped request)")


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
    wasm = check_file(report, "wasm", urljoin(runtime, "pyodide.asm.wasm"), types={"application/wasm"},
               required_type="Pyodide compiles it with WebAssembly.instantiateStreaming, which accepts "
                             "application/wasm only: the checker's fallback start fails. Serve .wasm as "
                             "application/wasm.", compress=True, immutable=True)
    if wasm is not None and wasm.status == 200:
        check_binary_copy(report, wasm, settings)

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
    for lang in LANGUAGES:
        root = site_layout.language_root(lang, LANGUAGES[0])
        url = urljoin(base, f"{root}no-such-page-{uuid.uuid4().hex[:8]}/")
        response, text = text_of(url)
        page = RuntimeSettings()
        page.feed(text)
        where = f"a missing page under /{root}"
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


def check_policy(report, base, checker_url, page):
    report.section("Content-Security-Policy")
    if page is not None and page.meta_csp:
        report.ok("the pages carry their own policy (<meta http-equiv>): "
                  f"{page.meta_csp.split('script-src', 1)[-1].split(';')[0].strip()[:60]}… for scripts")
    header = get(checker_url).headers.get("Content-Security-Policy")
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


def check_in_chromium(report, base, checker_urls):
    report.section("The key checker in Chromium")
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        report.error("Chromium not found: install Debian's chromium (make system-packages) to check the checker")
        return
    origin = urlsplit(base).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for url in checker_urls:
                context = browser.new_context()
                page = context.new_page()
                problems, hosts, finished = [], set(), []
                page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
                page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
                page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https")
                        and urlsplit(r.url).netloc != origin and hosts.add(urlsplit(r.url).netloc))
                page.on("requestfinished", lambda r: finished.append(r))
                started = time.monotonic()
                page.goto(url)
                state = None
                while time.monotonic() - started < READY_TIMEOUT:
                    state = page.evaluate("document.querySelector('.key-checker')?.dataset.state ?? null")
                    if state in ("ready", "error", None):
                        break
                    page.wait_for_timeout(50)
                ready_s = time.monotonic() - started
                answered = False
                if state == "ready":
                    page.fill(".key-checker__input", DEMO_KEY)
                    page.press(".key-checker__input", "Enter")
                    for _ in range(200):
                        answered = page.evaluate(
                            "document.querySelector('.key-checker__result')?.dataset.valid !== undefined")
                        if answered:
                            break
                        page.wait_for_timeout(25)
                sent = 0
                for request in finished:
                    try:
                        sent += request.sizes()["responseBodySize"]
                    except Exception:  # a request Chromium dropped from its records
                        pass
                name = urlsplit(url).path
                if state == "ready" and answered:
                    report.ok(f"{name}: ready in {ready_s:.1f} s and answers ({sent / 1e6:.1f} MB transferred, "
                              f"{len(finished)} requests)")
                elif state == "ready":
                    report.error(f"{name}: ready in {ready_s:.1f} s, but gave no answer to the demo key")
                elif state is None:
                    report.error(f"{name}: no key checker on the page")
                else:
                    report.error(f"{name}: the checker is {state!r} after {ready_s:.0f} s: readers see its error "
                                 "box. The lines above say why; so may these:")
                for problem in dict.fromkeys(problems):
                    report.warn(f"{name}: {problem[:300]}") if state == "ready" else report.info(problem[:300])
                for host in sorted(hosts):
                    report.warn(f"{name}: a request to another host, {host}: the site should make none")
                context.close()
        finally:
            browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the published site's base URL (its home page)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    args = parser.parse_args(argv)
    base = args.url if args.url.endswith("/") else args.url + "/"
    report = Report()
    print(f"Checking the help site at {base}")
    try:
        home = get(base)
    except OSError as error:
        print(f"ERROR  cannot reach {base}: {error}")
        return 2
    if home.status != 200:
        print(f"ERROR  {base} answers HTTP {home.status}: is the site published there?")
        return 2
    checker_urls = [urljoin(base, site_layout.language_root(lang, LANGUAGES[0]) + site_layout.CHECKER_PAGE)
                    for lang in LANGUAGES]
    _, checker_html = text_of(checker_urls[0])
    page = check_files(report, base, checker_urls[0], checker_html)
    check_not_found(report, base)
    check_policy(report, base, checker_urls[0], page)
    if not args.no_browser:
        check_in_chromium(report, base, checker_urls)
    print()
    if report.errors:
        print(f"{report.errors} error(s): the key checker (or the site) is broken for readers there. "
              f"{report.warnings} warning(s).")
        return 1
    if report.warnings:
        print(f"Works. {report.warnings} warning(s): it could be faster or friendlier (see deploy/ and the "
              "README's Publishing section).")
    else:
        print("Works, and is served as recommended.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
