"""Translation freshness: each translated page records the version of its source it translates.

Out-of-date pages warn in `make check` and fail with STRICT_TRANSLATIONS=1 (CI).
The build's notice on such pages is tested in tests/test_writers_loop.py.
"""

import sys
import warnings

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
sys.path.insert(0, str(ROOT / "tools"))
import translation_status  # noqa: E402  (make translations)
import translations  # noqa: E402  (the hook's plain functions)


def test_every_translation_is_current():
    problems = translation_status.problems()
    if problems and not translations.strict():
        warnings.warn(UserWarning("translations (make translations):\n" + "\n".join(problems)))
        return
    if problems:
        pytest.fail(f"translations ({translations.STRICT_ENV}=1):\n" + "\n".join(problems), pytrace=False)
