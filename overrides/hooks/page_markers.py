"""Markers such as ``<!-- key-checker -->``: where a hook puts what it generates in a page.

A marker is ``<!-- NAME -->``; anything else that starts like it (``<!-- NAME-typo -->``,
``<!-- NAME extra -->``) is a mistake in the page and stops the build.
"""

import re

from mkdocs.exceptions import PluginError


def marker_pattern(name):
    """Every comment that starts with ``name``: the marker itself and its misspellings."""
    return re.compile(rf"<!--\s*({re.escape(name)}\S*)((?:(?!-->).)*?)\s*-->", re.S)


def find_markers(html, pattern, name, owner, src_uri):
    """The matches of ``pattern`` in a page; one that is not exactly <!-- name --> stops the build."""
    markers = list(pattern.finditer(html))
    for match in markers:
        if match.group(1) != name or match.group(2).strip():
            raise PluginError(f"{owner}: unknown marker {match.group(0)!r} in {src_uri}: "
                              f"the only one is <!-- {name} -->")
    return markers
