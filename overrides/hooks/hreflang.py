"""Absolute hreflang links for every page.

static-i18n gives Material relative alternates; search engines and Lighthouse want
absolute URLs built from ``site_url``, one per language plus ``x-default``. This hook
puts them in the page context as ``hreflang``; ``overrides/main.html`` prints them.
"""

import site_layout


def language_neutral_url(page, config):
    """The page's URL with the current language's prefix removed ("en/faq/" -> "faq/")."""
    i18n = config.plugins["i18n"]
    return site_layout.without_language(page.url, i18n.current_language, i18n.default_language)


def on_page_context(context, page, config, nav):
    if not config.site_url or site_layout.is_not_found_source(page.file.src_uri):
        return context  # a not-found page has no translations to point at
    i18n = config.plugins["i18n"]
    neutral = language_neutral_url(page, config)
    links = [
        (lang, site_layout.absolute_url(config.site_url, site_layout.language_root(lang, i18n.default_language) + neutral))
        for lang in i18n.build_languages
    ]
    links.append(("x-default", site_layout.absolute_url(config.site_url, neutral)))  # the default language
    context["hreflang"] = links
    return context
