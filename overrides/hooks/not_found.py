"""One not-found page per language, written from Markdown (docs/404.md, docs/404.en.md).

A host serves ``/404.html`` (or ``/en/404.html``) for any missing URL, at any depth,
so the page is written to that file and every relative URL in it is made
root-absolute (``/assets/…``): relative ones would break one folder down.
"""

import json
import posixpath
import re
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority

URL_ATTR = re.compile(r'\b(href|src)="([^"#:][^":]*|)"')
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def on_pre_build(config):
    # Material's own 404.html (a static template) would overwrite ours, in the
    # wrong language: static-i18n renders it again in every language's build.
    config.theme.static_templates.discard("404.html")


def on_files(files, config):
    for file in files.documentation_pages():
        if file.src_uri.split(".")[0] == "404":
            folder = posixpath.dirname(posixpath.dirname(file.dest_uri))  # "" or "en"
            file.dest_uri = posixpath.join(folder, "404.html")
            file.url = file.dest_uri
    return files


@event_priority(-200)  # after every other hook has changed the page
def on_post_page(output, page, config):
    if page.file.src_uri.split(".")[0] != "404" or config.extra.get("offline"):
        return output  # the offline bundle is opened from files: no host serves it for missing URLs
    here = urlsplit(config.site_url or "/").path.rstrip("/") + "/" + page.url

    def absolute(match):
        attr, url = match.groups()
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), url)) if url else here
        if url.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        return f'{attr}="{resolved}"'

    def absolute_base(match):
        app = json.loads(match.group(2))
        for key in ("base", "search"):
            app[key] = posixpath.normpath(posixpath.join(posixpath.dirname(here), app[key])) + ("/" if key == "base" else "")
        return match.group(1) + json.dumps(app, ensure_ascii=False) + match.group(3)

    output = URL_ATTR.sub(absolute, output)
    return CONFIG_SCRIPT.sub(absolute_base, output, count=1)
