"""When each page last changed, from git: the date of the last commit that touched it.

One ``git log`` for the whole docs folder per build. Nothing is known (an empty
mapping) when git is missing, the folder is not a repository, the clone is shallow
(every file would get the date of the clone's oldest commit) or git refuses the
folder; a file with changes not yet committed has no date either (its last commit
says nothing about them). Pages then show no date: they never show a wrong one.

>>> last_changed("/nonexistent")
{}
"""

import datetime
import subprocess
from pathlib import Path


def _git(folder, *args):
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def last_changed(docs_dir):
    """{path relative to docs_dir (posix): datetime.date of its last commit}, or {}."""
    docs_dir = Path(docs_dir)
    if not docs_dir.is_dir() or _git(docs_dir, "rev-parse", "--is-shallow-repository") != "false\n":
        return {}
    log = _git(docs_dir, "log", "--format=%x00%cI", "--name-only", "--relative", "--no-renames", "--", ".")
    dirty = _git(docs_dir, "status", "--porcelain", "--no-renames", "--untracked-files=no", "--", ".")
    if log is None or dirty is None:
        return {}
    changed = {}
    when = None
    for line in log.splitlines():
        if line.startswith("\0"):
            when = datetime.datetime.fromisoformat(line[1:]).date()
        elif line and when is not None:
            if line.endswith(".md"):
                changed.setdefault(line, when)  # newest first: keep the first date seen
    # `git status` paths are relative to the repository's top, not to docs_dir.
    top = _git(docs_dir, "rev-parse", "--show-toplevel")
    if top:
        for line in dirty.splitlines():
            path = Path(top.strip(), line[3:])
            if path.is_relative_to(docs_dir.resolve()):
                changed.pop(path.relative_to(docs_dir.resolve()).as_posix(), None)
    return changed
