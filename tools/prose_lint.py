"""Prose lint: textlint over the pages, one line per finding (``make lint``).

Japanese pages (``docs/*.md``) get ``lint/textlint-ja.yml`` (preset-ja-technical-writing,
tuned, and the product's words in ``lint/terms-ja.yml``); English pages (``docs/*.en.md``)
get ``lint/textlint-en.yml`` (write-good and the terminology rule, with
``lint/terms-en.json``). Everything runs offline from ``node_modules`` (package.json).

textlint reads plain Markdown, so each page is first turned into the Markdown a reader
sees, line for line (the reported line is the page's own line):

- the front matter's ``description:`` becomes a paragraph; other front-matter lines go;
- an admonition's title line (``!!! tip "Title"``) becomes a heading, and its indented
  body is dedented (textlint would take it for a code block and skip it);
- attribute lists (``{#check-connection}``, ``{ .class }``) are blanked;
- placeholders (``{{ product.name }}``, and a comment inside a sentence such as
  ``<!-- key:length -->``) become one neutral word.

A comment alone on its line (``<!-- key-checker -->``, ``<!-- textlint-disable -->``)
stays: textlint skips it as HTML (and reads the textlint ones).

    python tools/prose_lint.py [FILE ...]      # default: every page in docs/
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEXTLINT = ROOT / "node_modules" / ".bin" / "textlint"
CONFIGS = {"ja": ROOT / "lint" / "textlint-ja.yml", "en": ROOT / "lint" / "textlint-en.yml"}
# What a placeholder reads as: one word (a capital letter, which every rule accepts), so
# the sentence around it stays a sentence.
PLACEHOLDER_WORD = "X"

ADMONITION = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*(?:\s+"(?P<title>[^"]*)")?\s*$')
ATTR_LIST = re.compile(r"\s*\{[:#.][^{}]*\}|\s*\{\s+[#.][^{}]*\}")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
INLINE_COMMENT = re.compile(r"<!--.*?-->")
FRONT_MATTER_TEXT = re.compile(r"^(description|title):\s*(.*)$")


def page_language(path):
    """"en" for NAME.en.md, else "ja" (the default language has no suffix)."""
    return "en" if Path(path).name.endswith(".en.md") else "ja"


def plain_markdown(text):
    """The page as plain Markdown for textlint, with the same number of lines."""
    lines = text.split("\n")
    out = []
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    admonition_indent = None
    for number, line in enumerate(lines):
        if in_front_matter:
            if number > 0 and line.strip() == "---":
                in_front_matter = False
                out.append("")
                continue
            match = FRONT_MATTER_TEXT.match(line)
            out.append(match.group(2).strip().strip("\"'") if match and number > 0 else "")
            continue
        if admonition_indent is not None:
            body_indent = admonition_indent + "    "
            if line.startswith(body_indent):
                line = admonition_indent + line[len(body_indent):]
            elif line.strip():
                admonition_indent = None
        match = ADMONITION.match(line)
        if match:
            admonition_indent = match.group(1)
            title = match.group("title")
            out.append(f"{match.group(1)}#### {title}" if title else "")  # a title, not a sentence
            continue
        line = ATTR_LIST.sub("", line)
        line = PLACEHOLDER.sub(PLACEHOLDER_WORD, line)
        if not INLINE_COMMENT.fullmatch(line.strip()):
            # A comment inside a sentence is a placeholder the build fills in
            # ("<!-- key:length --> 文字"); one alone on its line is a marker: HTML to textlint.
            line = INLINE_COMMENT.sub(PLACEHOLDER_WORD, line)
        out.append(line)
    return "\n".join(out)


def default_files():
    return sorted(p for p in DOCS.glob("*.md"))


def run_textlint(config, files):
    """textlint's findings for files (JSON formatter): a list of {filePath, messages}."""
    if not files:
        return []
    if not TEXTLINT.exists():
        raise SystemExit("error: textlint is missing: run `make setup` (npm ci installs it)")
    result = subprocess.run([str(TEXTLINT), "--config", str(config), "--format", "json", *map(str, files)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise SystemExit(f"error: textlint failed ({result.returncode}):\n{result.stderr or result.stdout}")
    return json.loads(result.stdout)


def findings(files=None):
    """Every finding, as "path:line: rule: message" (path relative to the project)."""
    files = [Path(f).resolve() for f in (files or default_files())]
    lines = []
    with tempfile.TemporaryDirectory(prefix="prose-lint-") as tmp:
        copies = {}
        for lang in CONFIGS:
            for path in files:
                if page_language(path) != lang:
                    continue
                copy = Path(tmp) / lang / path.name
                copy.parent.mkdir(exist_ok=True)
                copy.write_text(plain_markdown(path.read_text(encoding="utf-8")), encoding="utf-8")
                copies[copy.resolve()] = path
        for lang, config in CONFIGS.items():
            batch = [c for c, p in copies.items() if page_language(p) == lang]
            for result in run_textlint(config, batch):
                source = copies[Path(result["filePath"]).resolve()]
                shown = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source
                for message in result["messages"]:
                    # The first line says what is wrong; the rest explains the rule at length.
                    text = message["message"].strip().splitlines()[0].strip()
                    rule = message["ruleId"].removeprefix("ja-technical-writing/")
                    lines.append((str(shown), message["line"], f"{shown}:{message['line']}: {rule}: {text}"))
    return [line for *_, line in sorted(lines)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    found = findings(argv or None)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} finding(s). Fix the text; where the lint is wrong, put the passage between "
              "<!-- textlint-disable RULE --> and <!-- textlint-enable RULE --> with a comment saying why.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
