"""Command line: check a license key and explain what is wrong with it.

    python -m checker [KEY | -] [--json] [--lang ja|en] [--expect PRODUCT/VERSION]

Without KEY, or with ``-``, the key is read from standard input, so it stays out
of the shell history. Standard input is read up to MAX_INPUT_BYTES (more is "too
long"), as UTF-8, or as UTF-16 when it starts with a byte order mark.
Exit status: 0 valid, 1 not valid (too long included), 2 usage error or input that
is not text, 3 internal error. With ``--json``, input too long is a diagnosis like any
other (a ``too-long-input`` finding) on standard output. Every text, argparse's own included, is in
``checker/data/messages.json``, in the language of ``--lang`` or ``LANG``.
"""

import argparse
import codecs
import contextlib
import json
import os
import sys

from . import __version__, default_format, diagnose, message_catalog, pick_language, products
from .keyfacts import message_fields

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Enough bytes for the longest text the checker judges, in any encoding (4 bytes per
# character at most), plus a line ending; anything longer cannot be a key.
MAX_INPUT_BYTES = 4 * (default_format().max_input_length + 2)

_CLI = message_catalog()["cli"]
_ARGPARSE = message_catalog()["argparse"]


class InputError(Exception):
    """Standard input cannot be checked; ``args[0]`` is the message, ``status`` the exit status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class TooLong(InputError):
    """Standard input went on beyond MAX_INPUT_BYTES; ``data`` is what was read of it."""

    def __init__(self, message, data):
        super().__init__(message, EXIT_INVALID)
        self.data = data


def _default_language():
    # The spec: Japanese when LANG says so, otherwise English.
    return "ja" if os.environ.get("LANG", "").lower().startswith("ja") else "en"


def _language_asked(argv):
    """--lang from the command line before it is parsed, so argparse's own messages can follow it."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    try:
        asked = early.parse_known_args(argv)[0].lang
    except (argparse.ArgumentError, SystemExit):
        asked = None
    return pick_language(asked) if asked in ("ja", "en") else pick_language(_default_language())


@contextlib.contextmanager
def _argparse_speaks(lang):
    """argparse takes its texts from its module's ``_``/``ngettext`` (gettext) when it
    formats them; the table in messages.json gives them in ``lang`` for this parse."""
    table = _ARGPARSE.get(lang, {})
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: table.get(text, text)
    argparse.ngettext = lambda one, many, n: table.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def decode(data, lang):
    """Bytes of standard input (or of an argument) as text: UTF-8, or UTF-16 with its BOM."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(_CLI["not_text"][lang].format(
            byte=f"{data[error.start]:02X}", offset=error.start + 1), EXIT_USAGE) from None


def _read_stdin(prompt, lang):
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        sys.stderr.write(prompt)
        sys.stderr.flush()
        data = sys.stdin.buffer.readline(MAX_INPUT_BYTES + 1)
    else:
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise TooLong(_CLI["too_long"][lang].format(limit=MAX_INPUT_BYTES), data)
    text = decode(data, lang)
    # The line ending that closes the input is the terminal's or echo's, not part of the key.
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _too_long_diagnosis(data, lang, expect):
    """``diagnose()``'s "too long" answer for standard input cut off unread: its count is
    only the characters read (what a cut UTF-8 or UTF-16 text decodes to), so the message
    says "at least" (``message_at_least`` in messages.json)."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")("replace").decode(data)
    key_format = default_format()
    count = max(len(text), key_format.max_input_length + 1)
    result = diagnose(text, lang=lang, expect=expect, length=count)
    finding = result["findings"][0]  # too-long-input, the only finding then
    finding["message"] = message_catalog()["findings"][finding["code"]]["message_at_least"][lang].format(
        **message_fields(key_format, lang), count=count, length=key_format.length)
    return result


def _human_report(result, lang):
    lines = []
    if result["normalized"]:
        lines.append(f'{_CLI["key"][lang]}: {result["normalized"]}')
    if result["product"]:
        for entry in products():
            if entry["product"] == result["product"] and entry["version"] == result["version"]:
                lines.append(f'{_CLI["product"][lang]}: {entry["name"][lang]}')
    lines.append(_CLI["valid" if result["valid"] else "invalid"][lang])
    for finding in result["findings"]:
        lines.append(f'- [{_CLI[finding["severity"]][lang]}] {finding["message"]}')
        for suggestion in finding["suggestions"]:
            lines.append(f'    {_CLI["suggestion"][lang]}: {suggestion}')
        if finding["help"]:
            lines.append(f'    {_CLI["help"][lang]}: {finding["help"]}')
    return "\n".join(lines)


def _parser(lang):
    text = {key.removeprefix("usage_"): value[lang] for key, value in _CLI.items() if key.startswith("usage_")}
    parser = argparse.ArgumentParser(
        prog="python -m checker", description=text["description"], epilog=text["epilog"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("key", nargs="?", default="-", help=text["key"])
    parser.add_argument("--json", action="store_true", help=text["json"])
    parser.add_argument("--lang", choices=["ja", "en"], help=text["lang"])
    parser.add_argument("--expect", metavar="PRODUCT/VERSION", help=text["expect"])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help=text["version"])
    return parser


def _check(argv, lang):
    with _argparse_speaks(lang):
        parser = _parser(lang)
        args = parser.parse_args(argv)
        known = [entry["id"] for entry in products()]
        if args.expect is not None and args.expect not in known:
            parser.error(_CLI["unknown_expect"][lang].format(known=", ".join(known)))  # exits with status 2

    if args.key == "-":
        try:
            key = _read_stdin(_CLI["prompt"][lang], lang)
        except TooLong as error:
            if not args.json:
                raise
            key = None  # a script reading --json gets a diagnosis for this too
            result = _too_long_diagnosis(error.data, lang, args.expect)
    else:
        # The shell hands over bytes; ones that are not UTF-8 arrive as lone surrogates.
        key = decode(os.fsencode(args.key), lang)
    if key is not None:
        result = diagnose(key, lang=lang, expect=args.expect)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(_human_report(result, lang))
    sys.stdout.flush()  # a failed write is this run's failure, not the interpreter's at exit
    return EXIT_VALID if result["valid"] else EXIT_INVALID


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    lang = _language_asked(argv)
    try:
        return _check(argv, lang)
    except InputError as error:
        sys.stderr.write(f"python -m checker: {_CLI['error'][lang]}: {error}\n")
        return error.status
    except Exception as error:  # noqa: BLE001 - any other failure is ours: say so, apart from "invalid"
        # The name only: a message could quote the key.
        sys.stderr.write(_CLI["internal_error"][lang].format(name=type(error).__name__) + "\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    sys.exit(main())
