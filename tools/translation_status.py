"""Translation freshness from the command line (overrides/hooks/translations.py).

    python tools/translation_status.py report          # make translations
    python tools/translation_status.py stamp PAGE|all  # make translated PAGE=faq

``report`` prints one line per translated page that is not current (out of date, or
with no record yet) and a count; it exits 1 when there is one and
``STRICT_TRANSLATIONS=1`` is set (CI), else 0. ``stamp`` records in a translated page
that it translates the current version of its source: run it when the translation is
done. PAGE is the page's name in any form (``faq``, ``faq.en.md``, ``docs/faq.md``);
``all`` stamps every translated page that is not current (after merging branches whose
translations were checked by hand).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import git_dates  # noqa: E402
import translations  # noqa: E402

EXPLAIN = {
    "stale": "out of date: {source} changed after this translation was made{since}",
    "unrecorded": "no translation record: once it translates {source}, run `make translated PAGE={base}`",
}


def problems(docs_dir=translations.DOCS):
    """"docs/PAGE: what is wrong" for every translated page that is not current."""
    dates = git_dates.last_changed(docs_dir)
    lines = []
    for t in translations.translations(docs_dir):
        if t.state == "current":
            continue
        since = f" (its last change: {dates[t.source].isoformat()})" if t.source in dates else ""
        base = translations.page_base(t.page)
        shown = Path(docs_dir, t.page)
        shown = shown.relative_to(ROOT) if shown.resolve().is_relative_to(ROOT) else shown
        lines.append(f"{shown}: " + EXPLAIN[t.state].format(source=t.source, since=since, base=base))
    return lines


def report(docs_dir=translations.DOCS):
    found = problems(docs_dir)
    for line in found:
        print(line)
    total = len(translations.translations(docs_dir))
    print(f"{total - len(found)} of {total} translated pages are current.", file=sys.stderr)
    if found:
        print("Update each translation, then run `make translated PAGE=NAME`.", file=sys.stderr)
    return 1 if found and translations.strict() else 0


def stamp(name, docs_dir=translations.DOCS):
    wanted = None if name == "all" else translations.page_base(Path(name).as_posix().removeprefix("docs/"))
    pages = [t for t in translations.translations(docs_dir)
             if (wanted is None and t.state != "current") or translations.page_base(t.page) == wanted]
    if wanted is not None and not pages:
        print(f"error: {name}: no translated page of that name in docs/", file=sys.stderr)
        return 2
    for t in pages:
        translations.stamp(docs_dir, t.page)
        print(f"docs/{t.page}: translates docs/{t.source} as it is now ({t.current})")
    if not pages:
        print("Every translated page is current.")
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"] and len(argv) == 1:
        return report()
    if argv[:1] == ["stamp"] and len(argv) == 2 and argv[1]:
        return stamp(argv[1])
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
