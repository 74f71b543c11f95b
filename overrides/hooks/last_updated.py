""""Last updated" under every article: the date of the page's last commit, in the reader's
language and date format (2026年12月7日, December 7, 2026), from git (git_dates.py).

Material's ``partials/source-file.html`` shows ``page.meta.revision_date`` under the
article; this hook sets it to the label (``last_updated`` in ``catalog/page-texts.yml``)
and a ``<time>``. Without git history (a shallow clone, a folder from a tarball, a
page with changes not yet committed) the page shows no date rather than a wrong one.
"""

import sys
from pathlib import Path

from markupsafe import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests)
import git_dates  # noqa: E402
import translations  # noqa: E402

_state = {}


def on_config(config):
    _state["dates"] = git_dates.last_changed(config.docs_dir)
    _state["texts"] = translations.load_texts()
    return config


def revision_html(date, lang, texts):
    """What the page shows: "最終更新日 <time datetime="2026-12-07">2026年12月7日</time>"."""
    label = escape(texts[lang]["last_updated"])
    shown = escape(translations.format_date(date, lang))
    return f'<span class="page-updated">{label} <time datetime="{date.isoformat()}">{shown}</time></span>'


def on_page_markdown(markdown, page, config, files):
    rel = Path(page.file.abs_src_path).relative_to(config.docs_dir).as_posix()
    date = _state["dates"].get(rel)
    if date is not None:
        lang = config.plugins["i18n"].current_language
        page.meta["revision_date"] = revision_html(date, lang, _state["texts"])
    return markdown
