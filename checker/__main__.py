"""Command line: check a license key and explain what is wrong with it.

    python -m checker [KEY | -] [--json] [--lang ja|en] [--expect PRODUCT/VERSION]

Without KEY, or with ``-``, the key is read from standard input, so it stays out
of the shell history. Exit status: 0 valid, 1 not valid, 2 usage error.
"""

import argparse
import json
import os
import sys

from . import __version__, diagnose, message_catalog, pick_language, products

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _default_language():
    # The spec: Japanese when LANG says so, otherwise English.
    return "ja" if os.environ.get("LANG", "").lower().startswith("ja") else "en"


def _read_stdin(prompt):
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        sys.stderr.write(prompt)
        sys.stderr.flush()
        data = sys.stdin.buffer.readline()
    else:
        data = sys.stdin.buffer.read()
    # Undecodable bytes become lone surrogates, which diagnose reports as invalid characters.
    text = data.decode("utf-8", errors="surrogateescape")
    # The line ending that closes the input is the terminal's or echo's, not part of the key.
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _human_report(result, lang):
    cli = message_catalog()["cli"]
    lines = []
    if result["normalized"]:
        key_line = f'{cli["key"][lang]}: {result["normalized"]}'
        lines.append(key_line)
    if result["product"]:
        for entry in products():
            if entry["product"] == result["product"] and entry["version"] == result["version"]:
                lines.append(f'{cli["product"][lang]}: {entry["name"][lang]}')
    lines.append(cli["valid" if result["valid"] else "invalid"][lang])
    for finding in result["findings"]:
        lines.append(f'- [{cli[finding["severity"]][lang]}] {finding["message"]}')
        for suggestion in finding["suggestions"]:
            lines.append(f'    {cli["suggestion"][lang]}: {suggestion}')
        if finding["help"]:
            lines.append(f'    {cli["help"][lang]}: {finding["help"]}')
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Check a license key and explain what is wrong with it.",
    )
    parser.add_argument("key", nargs="?", default="-", help="the key; '-' or nothing reads it from standard input")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--lang", choices=["ja", "en"], help="language of the messages (default: from LANG)")
    parser.add_argument("--expect", metavar="PRODUCT/VERSION", help="the product and version the key is for")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)

    lang = pick_language(args.lang or _default_language())
    known = [entry["id"] for entry in products()]
    if args.expect is not None and args.expect not in known:
        text = message_catalog()["cli"]["unknown_expect"][lang].format(known=", ".join(known))
        parser.error(text)  # exits with status 2

    prompt = message_catalog()["cli"]["prompt"][lang]
    key = _read_stdin(prompt) if args.key == "-" else args.key
    result = diagnose(key, lang=lang, expect=args.expect)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(_human_report(result, lang))
    return EXIT_VALID if result["valid"] else EXIT_INVALID


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    sys.exit(main())
