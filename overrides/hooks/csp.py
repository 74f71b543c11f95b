"""A Content-Security-Policy on every page that allows only the site's own origin.

``overrides/main.html`` puts ``<meta http-equiv="Content-Security-Policy" content="…">``
first in ``<head>`` with a placeholder; once every other hook has changed the page,
this hook fills in the policy with the sha256 of each inline script the page still
holds (Material inlines a few, one of them differs by page depth; pages with the key
checker inline its starter, overrides/partials/key-checker-start.js). Data blocks such as
``<script type="application/json">`` never run, so they need no hash.

Pages with the key checker get ``form-action 'none'``: nothing there may submit a form
(the key must never reach a URL, even with JavaScript off).

``'wasm-unsafe-eval'`` lets the key checker compile Pyodide's WebAssembly; nothing
else is evaluated. Styles keep ``'unsafe-inline'``: Material writes style attributes.
"""

import base64
import hashlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PLACEHOLDER = "__CONTENT_SECURITY_POLICY__"
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
# Types a browser runs; anything else (application/json, …) is a data block.
EXECUTABLE_TYPES = {"", "text/javascript", "module", "application/javascript"}
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval' {hashes}; "
    "worker-src 'self'; "
    "connect-src 'self'{connect}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action {form_action}"
)


def inline_script_hashes(html):
    hashes = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\ssrc\s*=", attrs, re.I):
            continue
        kind = SCRIPT_TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in EXECUTABLE_TYPES:
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        token = f"'sha256-{base64.b64encode(digest).decode()}'"
        if token not in hashes:
            hashes.append(token)
    return hashes


@event_priority(-1000)  # last: other hooks rewrite pages (and their inline scripts) first
def on_post_page(output, page, config):
    if PLACEHOLDER not in output:
        raise PluginError(f"csp: no Content-Security-Policy placeholder in {page.file.src_uri} "
                          "(overrides/main.html prints it)")
    handler = INLINE_HANDLER.search(output)
    if handler:
        raise PluginError(f"csp: inline event handler in {page.file.src_uri}: {handler.group(0)!r}")
    # The activation endpoints "Check this computer" tries (overrides/hooks/diagnose.py), on that page only.
    connect = "".join(f" {source}" for source in (page.meta or {}).get("connect_src", []))
    # The key checker's pages submit no form at all (the key must never reach a URL).
    form_action = "'none'" if (page.meta or {}).get("key_checker") else "'self'"
    policy = POLICY.format(hashes=" ".join(inline_script_hashes(output)), connect=connect, form_action=form_action)
    return output.replace(PLACEHOLDER, policy, 1)
