""""Check this computer": the connection and clock diagnosis, from one data file.

``catalog/diagnostics.yml`` (or the file named by ``DIAGNOSTICS_CATALOG``; the tests
build with loopback endpoints that way) holds the activation endpoints, the timeouts,
the clock threshold and every text in every language. A page asks for the diagnosis with
the marker ``<!-- diagnose -->``; it becomes ``overrides/partials/diagnose.html``
rendered with the page language's texts (any other ``<!-- diagnose… -->`` marker stops
the build). Such a page gets ``page.meta["diagnose"]`` (``overrides/main.html`` then
loads the page module and its stylesheet there only; ``{"offline": True}``: the
stylesheet only) and ``page.meta["connect_src"]``:
the endpoint URLs, which ``overrides/hooks/csp.py`` adds to that page's ``connect-src``.
No endpoint configured: the policy stays ``connect-src 'self'`` and the page says so.

An endpoint marked ``demo: true``, or on a host name reserved for examples (RFC 2606 and
6761: example.com, .example, .test, .invalid), is the example vendor's placeholder: the
page lists it as an example and never tries it (nor does its policy allow it), so no reader
is told something is wrong on their computer because of it. The build prints a warning
line while one is listed (not a MkDocs warning, which would stop ``--strict``);
``DIAGNOSTICS_STRICT=1`` makes it an error, for a vendor's release build.

Links in the texts ("troubleshooting/#check-firewall") are written as the build writes
page URLs (``site_layout.page_link``). The offline bundle (``make offline``, opened from a
file) renders the widget in its ``offline`` state instead: Chromium runs no module script
from file:// and the checks need the network anyway, so the page says the check needs the
online help site and links the manual steps; no script, no endpoint in its policy.
"""

import copy
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import yaml
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests)
import page_markers  # noqa: E402
import site_layout  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CATALOG = ROOT / "catalog" / "diagnostics.yml"
CATALOG_ENV = "DIAGNOSTICS_CATALOG"
TEMPLATE = Path(__file__).resolve().parent.parent / "partials" / "diagnose.html"
KNOWN_MARKER = "diagnose"
MARKER = page_markers.marker_pattern(KNOWN_MARKER)
ENDPOINT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Plain http only for the machine itself (the tests' servers); readers' endpoints are https.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Characters that would end or split a CSP source expression, or that CSP would ignore.
UNSAFE_IN_CSP = re.compile(r"[\s;,'\"?#*]")
# Host names that can never be a real server (RFC 2606, RFC 6761).
EXAMPLE_HOST = re.compile(r"(^|\.)(example\.(com|net|org)|example|test|invalid)$", re.I)
STRICT_ENV = "DIAGNOSTICS_STRICT"
STATUS_RANGE = re.compile(r"^([1-5]\d\d)-([1-5]\d\d)$")

_state = {}


class CatalogError(PluginError):
    """The diagnostics catalog cannot be used; the message says where and why."""


def catalog_path():
    return Path(os.environ.get(CATALOG_ENV) or DEFAULT_CATALOG)


def _keys(tree, prefix=""):
    """Every key path in a nested mapping ("script.results.online_ok")."""
    keys = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        keys.add(path)
        if isinstance(value, dict):
            keys |= _keys(value, path + ".")
    return keys


def _check_endpoint(number, entry, languages):
    where = f"endpoints[{number}]"
    if not isinstance(entry, dict):
        raise CatalogError(f"diagnostics: {where} must be a mapping")
    endpoint_id = entry.get("id")
    if not isinstance(endpoint_id, str) or not ENDPOINT_ID.match(endpoint_id):
        raise CatalogError(f"diagnostics: {where}: id {endpoint_id!r} must be lower-case ASCII letters, digits, hyphens")
    names = entry.get("name")
    if not isinstance(names, dict) or any(not isinstance(names.get(lang), str) or not names[lang].strip()
                                          for lang in languages):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r} needs a name in each language: {', '.join(languages)}")
    url = entry.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if (parts is None or parts.scheme not in ("https", "http") or not parts.hostname
            or UNSAFE_IN_CSP.search(url) or parts.username or parts.password):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: url {url!r} must be an https:// URL "
                           "without query, fragment, credentials, spaces, quotes, commas or semicolons")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: {url!r} must use https:// "
                           "(plain http only for 127.0.0.1 and localhost)")
    statuses = entry.get("healthy_status")
    if (not isinstance(statuses, list) or not statuses
            or any(not isinstance(s, int) or isinstance(s, bool) or not 100 <= s <= 599 for s in statuses)):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: healthy_status must be a list of HTTP status codes")
    if not isinstance(entry.get("cors"), bool):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: cors must be true or false")
    timeout = entry.get("timeout_ms")
    if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: timeout_ms must be a positive whole number")
    if not isinstance(entry.get("demo", False), bool):
        raise CatalogError(f"diagnostics: endpoint {endpoint_id!r}: demo must be true or false")
    demo = entry.get("demo", False) or bool(EXAMPLE_HOST.search(parts.hostname))
    return {"id": endpoint_id, "name": {lang: names[lang] for lang in languages}, "url": url,
            "healthy_status": statuses, "cors": entry["cors"], "timeout_ms": timeout, "demo": demo}


def _status_ranges(value):
    """`server_side_status` ([429, "500-599"]) as [[low, high], ...]."""
    if not isinstance(value, list) or not value:
        raise CatalogError("diagnostics: server_side_status must be a list of HTTP statuses or ranges (\"500-599\")")
    ranges = []
    for item in value:
        match = STATUS_RANGE.match(item) if isinstance(item, str) else None
        if isinstance(item, int) and not isinstance(item, bool) and 100 <= item <= 599:
            ranges.append([item, item])
        elif match and int(match.group(1)) <= int(match.group(2)):
            ranges.append([int(match.group(1)), int(match.group(2))])
        else:
            raise CatalogError(f"diagnostics: server_side_status: {item!r} is neither an HTTP status nor a range "
                               "such as \"500-599\"")
    return ranges


# Every top-level field of catalog/diagnostics.yml besides the languages' texts.
TOP_LEVEL_FIELDS = ("endpoints", "server_side_status", "timeouts", "clock")


def load_catalog(path, languages):
    """The checked catalog: endpoints, timeouts, clock threshold, texts per language."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"diagnostics: cannot read {path}: {error}") from error
    if not isinstance(data, dict):
        raise CatalogError(f"diagnostics: {path} must hold a mapping")
    unknown = sorted(set(data) - {*TOP_LEVEL_FIELDS, *languages})
    if unknown:
        raise CatalogError(f"diagnostics: {path}: unknown field(s) {unknown}; "
                           f"allowed: {', '.join(TOP_LEVEL_FIELDS)} and the languages {list(languages)}")
    endpoints = [_check_endpoint(n, e, languages) for n, e in enumerate(data.get("endpoints") or [])]
    ids = [e["id"] for e in endpoints]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"diagnostics: endpoint ids must be unique: {ids}")
    timeouts = data.get("timeouts") or {}
    for key in ("online_ms", "endpoint_ms"):
        if not isinstance(timeouts.get(key), int) or timeouts[key] <= 0:
            raise CatalogError(f"diagnostics: timeouts.{key} must be a positive whole number of milliseconds")
    for endpoint in endpoints:
        endpoint["timeout_ms"] = endpoint["timeout_ms"] or timeouts["endpoint_ms"]
    threshold = (data.get("clock") or {}).get("threshold_seconds")
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or threshold <= 0:
        raise CatalogError("diagnostics: clock.threshold_seconds must be a positive number")
    texts = {}
    for lang in languages:
        if not isinstance(data.get(lang), dict):
            raise CatalogError(f"diagnostics: no texts for language {lang!r} in {path}")
        texts[lang] = data[lang]
    for lang, lang_texts in texts.items():
        links = [lang_texts.get("noscript_link"), *((lang_texts.get("script") or {}).get("links") or {}).values(),
                 *(lang_texts.get("manual_links") or [None])]
        if any(not isinstance(link, dict) or not all(isinstance(link.get(k), str) for k in ("text", "href"))
               for link in links):
            raise CatalogError(f"diagnostics: {lang}: noscript_link, script.links and manual_links "
                               "(a list, not empty) each need a text and an href")
    reference = _keys(texts[languages[0]])
    for lang in languages[1:]:
        keys = _keys(texts[lang])
        if keys != reference:
            raise CatalogError(f"diagnostics: texts differ between {languages[0]} and {lang}: "
                               f"{sorted(reference ^ keys)}")
    return {"endpoints": endpoints, "timeouts": timeouts, "threshold_seconds": threshold, "texts": texts,
            "server_side_status": _status_ranges(data.get("server_side_status"))}


def placeholders(catalog):
    """The demo endpoints (placeholders a vendor must replace): their URLs."""
    return [endpoint["url"] for endpoint in catalog["endpoints"] if endpoint["demo"]]


def placeholder_warning(catalog, path):
    urls = placeholders(catalog)
    if not urls:
        return None
    return (f"diagnostics: {path} lists example activation servers ({', '.join(urls)}): "
            "\"Check this computer\" shows them as examples and tries no real server. Replace them with "
            f"your own before publishing ({STRICT_ENV}=1 makes this an error).")


def connect_sources(catalog):
    """The CSP `connect-src` sources the diagnosis needs: exactly the URLs of the endpoints it tries."""
    return [endpoint["url"] for endpoint in catalog["endpoints"] if not endpoint["demo"]]


def page_settings(catalog, lang):
    """What the page script needs besides its texts (JSON-ready)."""
    return {
        "endpoints": [{"id": e["id"], "name": e["name"][lang], "url": e["url"], "healthyStatus": e["healthy_status"],
                       "cors": e["cors"], "timeoutMs": e["timeout_ms"], "demo": e["demo"]}
                      for e in catalog["endpoints"]],
        "serverSideStatus": catalog["server_side_status"],
        "onlineTimeoutMs": catalog["timeouts"]["online_ms"],
        "clockThresholdSeconds": catalog["threshold_seconds"],
    }


def _json_for_script(value):
    # Inside <script type="application/json">: "<" escaped, so no "</script>" can end it.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


# --- MkDocs events -------------------------------------------------------------

def on_config(config):
    languages = [entry["locale"] for entry in config.plugins["i18n"].config.languages]
    catalog = _state["catalog"] = load_catalog(catalog_path(), languages)
    warning = placeholder_warning(catalog, catalog_path())
    if warning and os.environ.get(STRICT_ENV, "") not in ("", "0"):
        raise CatalogError(warning)
    if warning and _state.get("warned") != warning:  # once per build, not once per language
        _state["warned"] = warning
        print(f"WARNING -  {warning}", file=sys.stderr)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    _state["template"] = env.get_template(TEMPLATE.name)
    return config


def texts_with_page_links(texts, directory_urls):
    """A copy of one language's texts with every "page/#id" href as the build writes page URLs."""
    texts = copy.deepcopy(texts)
    for link in [texts["noscript_link"], *texts["script"]["links"].values(), *texts["manual_links"]]:
        link["href"] = site_layout.page_link(link["href"], directory_urls)
    return texts


def on_page_content(html, page, config, files):
    markers = page_markers.find_markers(html, MARKER, KNOWN_MARKER, "diagnose", page.file.src_uri)
    if not markers:
        return html
    if len(markers) > 1:
        raise PluginError(f"diagnose: {page.file.src_uri} has <!-- {KNOWN_MARKER} --> more than once")
    catalog = _state["catalog"]
    lang = config.plugins["i18n"].current_language
    texts = texts_with_page_links(catalog["texts"][lang], config.use_directory_urls)
    offline = bool(config.extra.get("offline"))
    page.meta["diagnose"] = {"offline": offline}
    if not offline:
        page.meta["connect_src"] = connect_sources(catalog)
    language_root = site_layout.language_root_from(
        page.url, lang, config.plugins["i18n"].default_language, config.use_directory_urls)
    widget = _state["template"].render(
        lang=lang, t=texts, offline=offline, language_root=language_root,
        endpoints=[{"name": e["name"][lang], "url": e["url"], "demo": e["demo"]} for e in catalog["endpoints"]],
        script_texts=_json_for_script(texts["script"]),
        settings=_json_for_script(page_settings(catalog, lang)),
    )
    return MARKER.sub(lambda _: widget, html)
