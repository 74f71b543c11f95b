#!/bin/sh
# Find a Python interpreter of at least version MIN, for a virtual environment.
#
#   tools/find_python.sh MIN WHAT
#
# Tries python3, python3.13, python3.12, python3.11 on PATH, then pyenv's installed
# 3.13.x / 3.12.x / 3.11.x (pyenv root, else $PYENV_ROOT or ~/.pyenv), and prints the
# first one that runs and is new enough. Otherwise prints ONE line saying which Python
# to install (WHAT names what needs it) and exits 1. The Makefile calls it for .venv
# (pyproject.toml's requires-python) and .venv-pyodide (3.12, pyodide-build).
min="$1"
what="$2"
root="$(pyenv root 2>/dev/null)"
root="${root:-${PYENV_ROOT:-$HOME/.pyenv}}"
found=""
for c in python3 python3.13 python3.12 python3.11 \
         "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3 "$root"/versions/3.11*/bin/python3; do
  command -v "$c" >/dev/null 2>&1 || continue
  version="$("$c" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" || continue
  if "$c" -c "import sys; sys.exit(sys.version_info[:3] < tuple(int(p) for p in '$min'.split('.')))" 2>/dev/null; then
    command -v "$c"
    exit 0
  fi
  case " $found " in *" $version "*) ;; *) found="${found:+$found }$version" ;; esac
done
echo "error: $what needs Python $min or newer (found: ${found:-no python3}); install Python 3.13 (e.g. \`pyenv install 3.13\`, or your system's python3.13 package) and run make again" >&2
exit 1
