"""One not-found page per language, written from Markdown (docs/404.md, docs/404.en.md).

A host serves ``/404.html`` (or ``/en/404.html``) for any missing URL, at any depth,
so the page is written to that file with a ``<base>`` first in its head: its relative
URLs resolve from its own folder wherever it is served. The ``<base>`` names the
address the site is built for (``site_url``), and the small inline script after it
(``overrides/partials/not-found-base.js``) corrects it for a copy served under another
path (``/help/``): it finds the site's root where the address meets one of the site's
top-level names, which the build writes into the page once the site is complete.

Many hosts (GitHub Pages, Netlify, npm ``serve``) answer every miss with the root
``/404.html`` only, ``/en/…`` ones included. So, once every language is built, the root
page also gets the other languages' text (without their lookup box: one per page),
each in a block that names its language root; ``not-found-language.js`` shows the
block whose root the missing URL is under. Without JavaScript all of them show.
"""

import html
import os
import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import site_layout

URL_ATTR = re.compile(r'\b(href|src)="([^"#:/][^":]*)"')  # relative URLs
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
BASE_SCRIPT = Path(__file__).resolve().parent.parent / "partials" / "not-found-base.js"
SITE_NAMES = "__NOT_FOUND_SITE_NAMES__"  # filled in once the whole site is written


def on_pre_build(config):
    # Material's own 404.html (a static template) would overwrite ours, in the
    # wrong language: static-i18n renders it again in every language's build.
    config.theme.static_templates.discard("404.html")


def on_files(files, config):
    for file in files.documentation_pages():
        if site_layout.is_not_found_source(file.src_uri):
            folder = posixpath.dirname(posixpath.dirname(file.dest_uri))  # "" or "en"
            file.dest_uri = posixpath.join(folder, site_layout.NOT_FOUND)
            file.url = file.dest_uri
    return files


@event_priority(-200)  # after every other hook has changed the page
def on_post_page(output, page, config):
    if not site_layout.is_not_found_source(page.file.src_uri) or config.extra.get("offline"):
        return output  # the offline bundle is opened from files: no host serves it for missing URLs
    # The page's URLs stay relative to its own folder, its language root; <base> points
    # there: as built, the site's address; BASE_SCRIPT corrects it for a copy served elsewhere.
    folder = posixpath.dirname(page.url)
    language_root = folder + "/" if folder else ""
    base = (f'<base href="{site_layout.site_path(config.site_url)}{language_root}" '
            f'data-language-root="{language_root}" data-site-names="{SITE_NAMES}" '
            f'data-site-probe="{site_layout.LINKS_JSON}">'
            f"<script>{BASE_SCRIPT.read_text(encoding='utf-8')}</script>")
    output, found = CSP_META.subn(lambda match: match.group(0) + base, output, count=1)
    if not found:
        raise PluginError(f"not_found: no Content-Security-Policy <meta> in {page.file.src_uri} to put <base> after")
    return output


# --- the root 404 page, in every language ------------------------------------------

ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LOOKUP_FORM = re.compile(r'<form class="error-lookup".*?</form>', re.S)
ID_ATTR = re.compile(r'\b(id|for|aria-describedby|href)="(#?)([^"]*)"')
SCRIPT = "assets/javascripts/not-found-language.js"


def _block(lang, root, title, content, rule=False):
    title = html.escape(html.unescape(title), quote=True)
    return (f'<div data-not-found-language="{lang}" data-language-root="{root}" lang="{lang}" '
            f'data-title="{title}">{"<hr>" if rule else ""}{content}</div>')


HEADING_ID = re.compile(r'(<h[1-6][^>]*?)\s+id="[^"]*"')
HEADER_LINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def _unique_ids(content, lang):
    """Another language's copy of the same page: its headings lose their ids (the page's
    sections are the default language's), any other id gets a prefix ("en-…")."""
    content = HEADING_ID.sub(r"\1", HEADER_LINK.sub("", content))
    def prefix(match):
        attr, hash_, value = match.groups()
        if attr == "href":
            return match.group(0) if not hash_ else f'href="#{lang}-{value}"'
        return f'{attr}="{" ".join(f"{lang}-{v}" for v in value.split())}"'
    return ID_ATTR.sub(prefix, content)


def _rebased(content, folder):
    """HTML whose relative URLs were relative to ``folder`` ("en/"), made relative to the site root."""
    def rebase(match):
        attr, url = match.groups()
        resolved = posixpath.normpath(posixpath.join(folder, url))
        if url.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        return f'{attr}="{"./" if resolved == "." else resolved}"'
    return URL_ATTR.sub(rebase, content)


def bilingual_not_found(pages):
    """The default language's 404 HTML with every other language's text added.

    ``pages`` is [(lang, language root relative to the site root, HTML)], the default
    language first; each page's relative URLs are relative to its language root.
    """
    (lang, root, page), others = pages[0], pages[1:]
    article = ARTICLE.search(page)
    if not article or not others or "data-not-found-language" in page:
        return page  # nothing to add, or added already
    blocks = [_block(lang, root, TITLE.search(page).group(1), article.group(2))]
    for other, other_root, other_html in others:
        content = ARTICLE.search(other_html).group(2)
        content = _rebased(_unique_ids(LOOKUP_FORM.sub("", content), other), other_root)
        blocks.append(_block(other, other_root, TITLE.search(other_html).group(1), content, rule=True))
    page = page[:article.start(2)] + "".join(blocks) + page[article.end(2):]
    script = f'<script src="{SCRIPT}" defer></script>'
    return page.replace("</head>", script + "</head>", 1)


@event_priority(-200)  # after static-i18n's on_post_build has built every language
def on_post_build(config):
    i18n = config.plugins["i18n"]
    if i18n.building or config.extra.get("offline"):
        return  # a nested per-language build (once, at the very end); or files, not a host
    default = i18n.default_language
    pages = []
    for lang in [default, *(lang for lang in i18n.build_languages if lang != default)]:
        path = os.path.join(config.site_dir, site_layout.not_found_page(lang, default))
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                pages.append((path, lang, site_layout.language_root(lang, default), f.read()))
    if len(pages) > 1:
        pages[0] = (*pages[0][:3], bilingual_not_found([page[1:] for page in pages]))
    # What the 404 pages' <base> script looks for in a missing address: the site's
    # top-level names (folders and files), "go" and links.json included.
    names = sorted({*os.listdir(config.site_dir), site_layout.GO, site_layout.LINKS_JSON,
                    site_layout.NOT_FOUND, site_layout.ASSETS.rstrip("/")})
    for path, _, _, page in pages:
        with open(path, "w", encoding="utf-8") as f:
            f.write(page.replace(SITE_NAMES, html.escape("/".join(names), quote=True)))
