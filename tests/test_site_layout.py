"""The site's URL layout (overrides/hooks/site_layout.py): its doctests are its contract."""

import doctest
import importlib.util

from conftest import ROOT


def test_site_layout_doctests():
    spec = importlib.util.spec_from_file_location("site_layout", ROOT / "overrides/hooks/site_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0
