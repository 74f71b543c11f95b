"""The offline bundle (``make offline``, tools/offline_bundle.py): the help opened from a folder.

``OFFLINE_BUNDLE=true`` turns on Material's offline plugin (``page.html`` URLs, the
search index inlined as a script) and ``extra.offline``, which the other hooks read.
Material's plugin adds a Web Worker shim from a CDN; this hook puts ours in its place
(docs/assets/javascripts/file-worker.js), so the bundle asks no host for anything.
Pages in the bundle name no canonical or alternate URL: a copy on a disk has none,
and its ``page.html`` paths do not exist on the online site.
"""

from mkdocs.plugins import event_priority

LOCAL_WORKER_SHIM = "assets/javascripts/file-worker.js"


def is_offline(config):
    return bool(config.extra.get("offline"))


@event_priority(-100)  # after Material's offline plugin has added its CDN script
def on_config(config):
    if not is_offline(config):
        return config
    polyfills = [script for script in config.extra.get("polyfills", []) if "iframe-worker" not in str(script)]
    # Once, though static-i18n runs this again for every language.
    config.extra["polyfills"] = [*(p for p in polyfills if p != LOCAL_WORKER_SHIM), LOCAL_WORKER_SHIM]
    return config


@event_priority(-100)  # after hreflang.py has set the page's alternates
def on_page_context(context, page, config, nav):
    if is_offline(config):
        context["hreflang"] = []
        page.canonical_url = None
    return context
