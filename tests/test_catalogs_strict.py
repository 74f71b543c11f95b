"""The site's data files refuse what they do not know, with a message naming the file and the field.

catalog/key-checker.yml (the widget's texts), catalog/diagnostics.yml (unknown top-level
fields), and the key-fact placeholders of the pages (overrides/hooks/key_facts.py).
"""

import importlib.util
import sys

import pytest
import yaml
from mkdocs.exceptions import PluginError

from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))


def _hook(name):
    spec = importlib.util.spec_from_file_location(f"{name}_hook", ROOT / "overrides" / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


key_checker = _hook("key_checker")
diagnose = _hook("diagnose")
key_facts = _hook("key_facts")
TEXTS = yaml.safe_load((ROOT / "catalog" / "key-checker.yml").read_text(encoding="utf-8"))


def write(tmp_path, data):
    path = tmp_path / "data.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_real_widget_texts_load():
    assert set(key_checker.load_texts(ROOT / "catalog" / "key-checker.yml", LANGUAGES)) == set(LANGUAGES)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["en"].update(titel="x"), r"language 'en': unknown field\(s\) \['titel'\]"),
    (lambda d: d["ja"].pop("retry"), r"language 'ja': missing \['retry'\]"),
    (lambda d: d.update(ko=d["en"]), r"unknown field\(s\) \['ko'\]"),
    (lambda d: d["en"]["script"].pop("valid"), r"language 'en', field 'script': differs from 'ja' in \['valid'\]"),
    (lambda d: d["ja"]["manual_links"].append({"text": "x"}), r"field 'manual_links'"),
])
def test_widget_texts_are_strict(tmp_path, change, expected):
    data = yaml.safe_load(yaml.safe_dump(TEXTS))
    change(data)
    with pytest.raises(PluginError, match=expected):
        key_checker.load_texts(write(tmp_path, data), LANGUAGES)


def test_a_language_without_widget_texts_is_named(tmp_path):
    with pytest.raises(PluginError, match=r"no texts for language 'ko'"):
        key_checker.load_texts(ROOT / "catalog" / "key-checker.yml", (*LANGUAGES, "ko"))


def test_diagnostics_refuses_an_unknown_field(tmp_path):
    data = yaml.safe_load((ROOT / "catalog" / "diagnostics.yml").read_text(encoding="utf-8"))
    diagnose.load_catalog(write(tmp_path, data), LANGUAGES)
    data["endpoint"] = data.pop("endpoints")
    with pytest.raises(diagnose.CatalogError, match=r"unknown field\(s\) \['endpoint'\]"):
        diagnose.load_catalog(write(tmp_path, data), LANGUAGES)


def test_key_fact_placeholders():
    facts = {"length": "25", "separator": "-"}
    assert key_facts.render("**<!-- key:length --> characters**, <!-- key:separator -->", facts, "p.md") == \
        "**25 characters**, -"
    with pytest.raises(PluginError, match=r"unknown placeholder '<!-- key:lenght -->' in p.md; known: length"):
        key_facts.render("<!-- key:lenght -->", facts, "p.md")


def test_key_fact_blocks_are_kept_or_dropped():
    text = "a\n<!-- key:if yes -->\nkept\n<!-- key:end -->\n<!-- key:if no -->\ndropped\n<!-- key:end -->\nb " \
           "<!-- key:if no -->inline <!-- key:end -->c"
    assert key_facts.render(text, {}, "p.md", {"yes": True, "no": False}) == "a\nkept\nb c"
    for broken, message in [("<!-- key:if has_chek -->x<!-- key:end -->", r"unknown condition .*has_chek.* known: has_check"),
                            ("<!-- key:if has_check -->x", r"has no <!-- key:end -->"),
                            ("x<!-- key:end -->", r"without a key:if"),
                            ("<!-- key:if has_check --><!-- key:if has_check -->", r"inside another key:if")]:
        with pytest.raises(PluginError, match=message):
            key_facts.render(broken, {}, "p.md", {"has_check": True})
