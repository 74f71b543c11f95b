"""A new page in both languages (``make new-page NAME=billing``).

Writes ``docs/NAME.md`` (Japanese, the source) and ``docs/NAME.en.md`` (its translation,
with the translation record of overrides/hooks/translations.py), each with a
``description:`` and a first heading with the id ``NAME``, and adds the page to the end
of ``nav:`` in mkdocs.yml. Replace the texts in brackets, then run ``make check``; when
the English page translates the Japanese one, ``make translated PAGE=NAME``.

    python tools/new_page.py NAME
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import translations  # noqa: E402

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # the URL and the heading id: ASCII, like every section id
PAGES = {
    "ja": """---
description: （このページの内容を一文で書きます。検索結果に表示されます。）
---

# （ページの題名） {{#{name}}}

（本文を書きます。見出しには英語版と同じ ID を付けます。）
""",
    "en": """---
description: (One sentence on what this page is about, shown in search results.)
---

# (The page's title) {{#{name}}}

(Write the page here. Give each heading the same id as in the Japanese page.)
""",
}


def add_to_nav(config_text, entry):
    """mkdocs.yml's text with ``- entry`` appended to the top-level ``nav:`` list."""
    lines = config_text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "nav:"), None)
    if start is None:
        raise ValueError("mkdocs.yml has no top-level `nav:`")
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # keep blank lines after the list where they were
    indent = next((re.match(r"\s*", l).group(0) for l in lines[start + 1:end] if l.strip().startswith("- ")), "  ")
    lines.insert(end, f"{indent}- {entry}")
    return "\n".join(lines)


def new_page(name, root=ROOT):
    if not NAME.match(name):
        raise ValueError(f"{name!r}: a page name is lowercase ASCII letters, digits and hyphens (it is the URL)")
    docs = root / "docs"
    files = {lang: docs / translations.page_file(name, lang) for lang in translations.LANGUAGES}
    existing = [str(p.relative_to(root)) for p in files.values() if p.exists()]
    if existing:
        raise ValueError(f"{', '.join(existing)} already exist(s)")
    for lang, path in files.items():
        path.write_text(PAGES[lang].format(name=name), encoding="utf-8")
    translations.stamp(docs, files["en"].relative_to(docs).as_posix())
    config = root / "mkdocs.yml"
    config.write_text(add_to_nav(config.read_text(encoding="utf-8"), files["ja"].name), encoding="utf-8")
    return files


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        files = new_page(argv[0])
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in files.values():
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"added {files['ja'].name} to nav: in mkdocs.yml. Replace the texts in brackets, then `make check`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
