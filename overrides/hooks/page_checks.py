"""Build checks every page must pass, in every language.

A page without a ``description:`` in its front matter gets the site-wide one in
search results and link previews, which helps nobody: stop the build instead.
"""

from mkdocs.exceptions import PluginError


def on_page_markdown(markdown, page, config, files):
    description = (page.meta or {}).get("description")
    if not isinstance(description, str) or not description.strip():
        raise PluginError(
            f"{page.file.src_uri}: missing `description:` in the front matter "
            "(one sentence in the page's language, shown in search results)"
        )
    return markdown
