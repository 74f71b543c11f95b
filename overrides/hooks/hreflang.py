"""Absolute hreflang links for every page.

static-i18n gives Material relative alternates; search engines and Lighthouse want
absolute URLs built from ``site_url``, one per language plus ``x-default``. This hook
puts them in the page context as ``hreflang``; ``overrides/main.html`` prints them.
"""

from urllib.parse import urljoin


def language_root(config, locale):
    """URL path prefix of a language: "" for the default language, "en/" for others."""
    i18n = config.plugins["i18n"]
    return "" if locale == i18n.default_language else f"{locale}/"


def language_neutral_url(page, config):
    """The page's URL with the current language's prefix removed ("en/faq/" -> "faq/")."""
    prefix = language_root(config, config.plugins["i18n"].current_language)
    url = page.url
    return url[len(prefix):] if prefix and url.startswith(prefix) else url


def on_page_context(context, page, config, nav):
    if not config.site_url or page.file.src_uri.startswith("404"):
        return context  # a not-found page has no translations to point at
    i18n = config.plugins["i18n"]
    neutral = language_neutral_url(page, config)
    links = [
        (lang, urljoin(config.site_url, language_root(config, lang) + neutral))
        for lang in i18n.build_languages
    ]
    links.append(("x-default", urljoin(config.site_url, language_root(config, i18n.default_language) + neutral)))
    context["hreflang"] = links
    return context
