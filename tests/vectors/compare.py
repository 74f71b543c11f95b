"""Compare one test vector with what the checker does. Standard library only.

Used by tests/test_checker_vectors.py under CPython and by
tests/pyodide/run_vectors.mjs inside Pyodide, so both runtimes apply exactly
the same rules. ``problems(vector, checker)`` returns a list of readable
differences; an empty list means the vector passes.
"""

import json
import re

# Quoted input characters may be Japanese in an English message: “ー”.
_QUOTED = re.compile("“[^”]*”|「[^」]*」")

FIELDS = ("valid", "normalized", "product", "version")
FINDING_FIELDS = ("code", "severity", "position", "help", "suggestions")


def _has_japanese(text):
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def problems(vector, checker):
    found = []
    result = checker.diagnose(vector["input"], lang=vector["lang"], expect=vector["expect"])
    # JSON-ready: plain types only, and survives a round trip (and UTF-8 encoding) unchanged.
    try:
        encoded = json.dumps(result, ensure_ascii=False, allow_nan=False)
        encoded.encode("utf-8")
        if json.loads(encoded) != result:
            found.append("result changes in a JSON round trip")
    except (TypeError, ValueError, UnicodeError) as error:
        found.append(f"result is not JSON-ready: {error}")
    if set(result) != {"valid", "normalized", "product", "version", "findings"}:
        found.append(f"result keys are {sorted(result)}")
    for field in FIELDS:
        if result.get(field) != vector[field]:
            found.append(f"{field}: expected {vector[field]!r}, got {result.get(field)!r}")
    got, want = result.get("findings", []), vector["findings"]
    got_codes, want_codes = [f.get("code") for f in got], [f["code"] for f in want]
    if got_codes != want_codes:
        found.append(f"finding codes: expected {want_codes}, got {got_codes}")
    for index, (g, w) in enumerate(zip(got, want)):
        if set(g) != {"code", "severity", "message", "position", "help", "suggestions"}:
            found.append(f"finding {index} keys are {sorted(g)}")
        for field in FINDING_FIELDS:
            if g.get(field) != w[field]:
                found.append(f"finding {index} ({w['code']}) {field}: expected {w[field]!r}, got {g.get(field)!r}")
        message = g.get("message")
        if not isinstance(message, str) or not message.strip():
            found.append(f"finding {index} ({w['code']}) has no message")
            continue
        for part in w["message_contains"]:
            if part not in message:
                found.append(f"finding {index} ({w['code']}) message lacks {part!r}: {message!r}")
        if "{" in message or "}" in message:
            found.append(f"finding {index} ({w['code']}) message has an unfilled placeholder: {message!r}")
        if _has_japanese(_QUOTED.sub("", message)) != (vector["message_language"] == "ja"):
            found.append(f"finding {index} ({w['code']}) message is not in {vector['message_language']}: {message!r}")
    found += summary_problems(vector, checker)
    want_validate = vector["validate"]
    try:
        outcome = checker.validate(vector["input"])
    except checker.ValidationError as error:
        outcome = type(error).__name__
    if outcome != want_validate:
        found.append(f"validate(): expected {want_validate!r}, got {outcome!r}")
    if checker.is_valid(vector["input"]) != (want_validate not in ("InvalidFormat", "InvalidLength", "InvalidComponent", "InvalidChecksum")):
        found.append("is_valid() disagrees with validate()")
    return found


def summary_problems(vector, checker):
    """The support summary of the vector's input keeps the key's middle hidden (issue 11).

    The symbols between the first and the last group never appear at their places in
    the key line, and no three of them in a row anywhere else."""
    found = []
    text = vector["input"]
    entries = checker.support_summary(text, lang=vector["lang"], expect=vector["expect"])
    key_line = entries[0][1]
    rest = json.dumps(entries[1:], ensure_ascii=False) + entries[0][0]
    fmt = checker.default_format()
    if len(text) > fmt.max_input_length:
        return found
    compact = fmt.analyse(text).compact
    groups = getattr(fmt, "groups", None) or [5] * 5
    visible = min(groups[0], groups[-1], fmt.length // 5)
    ends = [sum(groups[: i + 1]) for i in range(len(groups))]
    if len(compact) == fmt.length:
        hidden = compact[visible : fmt.length - visible]
        shown = [key_line[i + sum(1 for end in ends if end <= i)] for i in range(visible, fmt.length - visible)]
        if set(shown) != {"•"}:
            found.append(f"summary key line shows hidden symbols: {key_line!r}")
        for i in range(len(hidden) - 2):
            if hidden[i : i + 3] in rest:
                found.append(f"summary holds hidden symbols {hidden[i : i + 3]!r}: {rest!r}")
    elif len(compact) < fmt.length and set(key_line) - {"•", getattr(fmt, "separator", "-")}:
        if compact:
            found.append(f"summary key line of a short input shows symbols: {key_line!r}")
    return found


def load(path):
    """Vectors from a JSON-lines file (one object per line)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
