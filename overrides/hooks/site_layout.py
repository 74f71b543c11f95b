"""The site's URL layout, in one place: language roots, /go/, /errors/, /checker/, the 404 pages.

Plain functions of plain values (no MkDocs), so every hook, tool and test agrees on
where things are. The default language lives at the site root, every other one
under ``<lang>/``:

>>> language_root("ja", "ja"), language_root("en", "ja")
('', 'en/')
>>> go_page("NET-001", "en", "ja")
'en/go/NET-001/index.html'
>>> relative_url("en/go/NET-001/", "en/troubleshooting/#check-connection")
'../../troubleshooting/#check-connection'
>>> relative_url("checker/", ""), relative_url("", "")
('../', './')

The offline bundle builds without directory URLs (``en/troubleshooting.html``);
links between pages go through ``page_folder`` and ``page_link`` to follow either:

>>> page_link("troubleshooting/#check-connection", directory_urls=False)
'troubleshooting.html#check-connection'
>>> relative_url(page_folder("en/diagnose.html", directory_urls=False), "en/")
'./'
"""

import posixpath
from urllib.parse import urljoin, urlsplit

# Folders under each language root.
GO = "go"  # /go/CODE/: the links in the product's error dialogs
ERRORS_PAGE = "errors/"  # every error code, with the lookup box
CHECKER_PAGE = "checker/"  # the key checker
NOT_FOUND = "404.html"  # what a host serves for a miss under the language root
ASSETS = "assets/"  # shared by every language, at the site root
LINKS_JSON = "links.json"  # at the site root


def language_root(lang, default):
    """URL path prefix of a language: "" for the default language, "en/" for others."""
    return "" if lang == default else f"{lang}/"


def without_language(url, lang, default):
    """A page URL with its language prefix removed ("en/faq/" -> "faq/")."""
    prefix = language_root(lang, default)
    return url[len(prefix):] if prefix and url.startswith(prefix) else url


def go_folder(code, lang, default):
    return f"{language_root(lang, default)}{GO}/{code}/"


def go_page(code, lang, default):
    """File of a /go/CODE/ redirect, relative to the site folder."""
    return go_folder(code, lang, default) + "index.html"


def not_found_page(lang, default):
    """File of a language's 404 page, relative to the site folder."""
    return language_root(lang, default) + NOT_FOUND


def is_not_found_source(src_uri):
    """Whether a Markdown source is a 404 page (404.md, 404.en.md)."""
    return posixpath.basename(src_uri).split(".")[0] == NOT_FOUND.split(".")[0]


def not_found_pages(languages, default):
    """{URL prefix: 404 file}, longest prefix first: what a server answers a miss with."""
    roots = sorted(languages, key=lambda lang: -len(language_root(lang, default)))
    return {"/" + language_root(lang, default): not_found_page(lang, default) for lang in roots}


def page_folder(page_url, directory_urls=True):
    """The folder a page's relative links start from: "en/faq/" itself, or "en/" for "en/faq.html"."""
    return page_url if directory_urls else posixpath.dirname(page_url)


def language_root_from(page_url, lang, default, directory_urls=True):
    """Relative URL from a page to its language's root.

    >>> language_root_from("en/checker/", "en", "ja"), language_root_from("en/checker.html", "en", "ja", False)
    ('../', './')
    """
    return relative_url(page_folder(page_url, directory_urls), language_root(lang, default))


def page_link(link, directory_urls=True):
    """A "page/#id" link (relative to a language root) as the build writes page URLs.

    >>> page_link("faq/#refunds"), page_link("faq/#refunds", directory_urls=False), page_link("", False)
    ('faq/#refunds', 'faq.html#refunds', 'index.html')
    """
    if directory_urls:
        return link
    path, hash_mark, fragment = link.partition("#")
    return (path.rstrip("/") or "index") + ".html" + hash_mark + fragment


def site_path(site_url):
    """The path the site is served under ("/" or "/help/"), for root-absolute URLs."""
    return urlsplit(site_url or "/").path.rstrip("/") + "/"


def absolute_url(site_url, path):
    """Absolute URL of a path in the site: only for what must be absolute (canonical, hreflang, links.json)."""
    return urljoin(site_url, path)


def relative_url(from_folder, to):
    """URL of ``to`` (a path in the site, fragment allowed) from a page in ``from_folder``."""
    path, hash_, fragment = to.partition("#")
    rel = posixpath.relpath(path or ".", from_folder.rstrip("/") or ".")
    if (path == "" or path.endswith("/")) and not rel.endswith("/"):
        rel += "/"  # a folder ("" is the site root)
    return rel + hash_ + fragment
