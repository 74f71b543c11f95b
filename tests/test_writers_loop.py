"""The writer's loop, end to end, on copies of the project: `make check` and what it catches,
translation notices, "Last updated", `make new-page`, and set-up with an unsupported Python.

Each test copies the project into a temporary folder (the environments .venv, node_modules
and build/ are linked, not copied), changes it as a writer would and runs the real commands.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from sitehtml import parse

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import git_dates  # noqa: E402
import prose_lint  # noqa: E402
import translations  # noqa: E402

LINKED = (".venv", ".venv-pyodide", "node_modules", "build")
NOT_COPIED = (".git", "site", "dist", ".pytest_cache", ".hypothesis", "__pycache__", *LINKED)
NOTICE = re.compile(r'<div class="admonition warning translation-notice"[^>]*>.*?</div>', re.S)


def project_copy(dest):
    """The project's files in dest, with this checkout's environments linked in."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    for name in LINKED:
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name)
    return dest


def git(folder, *args, date=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="Writer", GIT_AUTHOR_EMAIL="writer@example.com",
               GIT_COMMITTER_NAME="Writer", GIT_COMMITTER_EMAIL="writer@example.com")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, capture_output=True, text=True)


def commit_all(folder, date):
    git(folder, "add", "docs", "catalog", "mkdocs.yml")
    git(folder, "commit", "-q", "-m", "pages", date=date)


def build(project, out, offline=False):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", OFFLINE_BUNDLE="true" if offline else "false")
    result = subprocess.run([str(project / ".venv/bin/mkdocs"), "build", "--strict", "--site-dir", str(out)],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def make(project, *targets, **env):
    """`make TARGETS` in the copy, taking the linked environments as they are (never rebuilt there)."""
    env = dict(os.environ, **env)
    env.pop("MAKEFLAGS", None)
    keep = [arg for name in (".venv/.installed", ".venv-pyodide/.installed", "node_modules/.installed",
                             "build/runtime/manifest.json") for arg in ("-o", name)]
    return subprocess.run(["make", "--no-print-directory", "-C", str(project), *keep, *targets],
                          env=env, capture_output=True, text=True)


def notices(path):
    return NOTICE.findall(path.read_text(encoding="utf-8"))


def link_in(html):
    return re.search(r'<a href="([^"]+)" hreflang="([^"]+)">', html).groups()


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- translation notices and "Last updated" ---------------------------------

def test_an_edited_japanese_page_puts_a_dated_notice_on_its_english_page(tmp_path):
    project = project_copy(tmp_path / "project")
    git(project, "init", "-q")
    commit_all(project, "2026-11-03T10:00:00+00:00")
    append(project / "docs/faq.md", "\n追加の段落です。\n")
    commit_all(project, "2026-12-01T10:00:00+00:00")
    site = build(project, tmp_path / "site")

    (notice,) = notices(site / "en/faq/index.html")
    assert "This translation may be out of date" in notice
    assert "The original page (Japanese) changed on December 1, 2026." in notice
    assert link_in(notice) == ("../../faq/", "ja")
    assert parse(site / "en/faq/index.html").lang == "en"
    for current in ("faq/index.html", "en/index.html", "index.html", "en/troubleshooting/index.html"):
        assert notices(site / current) == [], current

    # "Last updated", in each language's words and date format, from each file's last commit.
    def updated(page):
        return re.search(r'<span class="page-updated">(.*?)</span>', (site / page).read_text(encoding="utf-8")).group(1)
    assert updated("faq/index.html") == '最終更新日 <time datetime="2026-12-01">2026年12月1日</time>'
    assert updated("en/faq/index.html") == 'Last updated <time datetime="2026-11-03">November 3, 2026</time>'
    assert updated("en/index.html") == 'Last updated <time datetime="2026-11-03">November 3, 2026</time>'

    # The offline bundle's pages are files: the notice links to the source's file.
    offline = build(project, tmp_path / "offline", offline=True)
    (notice,) = notices(offline / "en/faq.html")
    assert link_in(notice) == ("../faq.html", "ja")

    # The report names the page; STRICT_TRANSLATIONS=1 (CI) makes it fail.
    report = make(project, "translations")
    assert report.returncode == 0
    assert report.stdout.splitlines() == ["docs/faq.en.md: out of date: faq.md changed after this translation "
                                          "was made (its last change: 2026-12-01)"]
    assert make(project, "translations", STRICT_TRANSLATIONS="1").returncode != 0

    # The translator updates the page and records it: the notice goes.
    assert make(project, "translated", "PAGE=faq").returncode == 0
    assert notices(build(project, tmp_path / "site2") / "en/faq/index.html") == []


def test_an_edited_english_source_puts_a_notice_on_its_japanese_translation(tmp_path):
    """The reverse direction, in a folder without git: no date, and no "Last updated"."""
    project = project_copy(tmp_path / "project")
    docs = project / "docs"
    # support.en.md becomes the source and support.md its translation.
    english = docs / "support.en.md"
    english.write_text(translations.RECORD_BLOCK.sub("", english.read_text(encoding="utf-8")), encoding="utf-8")
    japanese = docs / "support.md"
    japanese.write_text(translations.with_record(japanese.read_text(encoding="utf-8"), "support.en.md",
                                                 translations.source_hash(english.read_text(encoding="utf-8"))),
                        encoding="utf-8")
    assert {t.page: t.state for t in translations.translations(docs)}["support.md"] == "current"
    site = build(project, tmp_path / "before")
    assert notices(site / "support/index.html") == []

    append(english, "\nOne more paragraph.\n")
    site = build(project, tmp_path / "site")
    (notice,) = notices(site / "support/index.html")
    assert "この翻訳は古い可能性があります" in notice
    assert "原文（英語）が、この翻訳の作成後に更新されました。" in notice
    assert link_in(notice) == ("../en/support/", "en")
    assert notices(site / "en/support/index.html") == []
    assert not any("page-updated" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_no_dates_from_a_shallow_clone(tmp_path):
    origin = tmp_path / "origin"
    (origin / "docs").mkdir(parents=True)
    (origin / "docs/page.md").write_text("# Page\n", encoding="utf-8")
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "one", date="2026-11-03T10:00:00+00:00")
    assert git_dates.last_changed(origin / "docs") == {"page.md": __import__("datetime").date(2026, 11, 3)}
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "shallow")
    assert git_dates.last_changed(tmp_path / "shallow/docs") == {}
    (origin / "docs/page.md").write_text("# Page, changed\n", encoding="utf-8")  # not committed
    assert git_dates.last_changed(origin / "docs") == {}


# --- make check: one clear line per problem ---------------------------------

def test_make_check_names_each_problem_on_one_line(tmp_path):
    project = project_copy(tmp_path / "project")
    append(project / "docs/faq.md", "\nこれは確認用の文である。\n")  # である among ですます: prose lint
    append(project / "docs/index.md", "\nプロダクトキーを入力します。\n\n[どこか](troubleshooting.md#no-such-section)\n")
    result = make(project, "check", STRICT_TRANSLATIONS="1")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    lines = output.splitlines()
    assert any(re.fullmatch(r"\s*docs/faq\.md:\d+: no-mix-dearu-desumasu: .+", l) for l in lines), output
    assert any(re.fullmatch(r"\s*docs/index\.md:\d+: prh: プロダクトキー => ライセンスキー", l) for l in lines), output
    assert any(re.fullmatch(r"\s*docs/faq\.en\.md: out of date: faq\.md changed .*", l) for l in lines), output
    assert any("index.md" in l and "'troubleshooting.md#no-such-section'" in l and "anchor" in l
               for l in lines if l.startswith("WARNING")), output


def test_make_check_without_ci_mode_only_warns_about_a_stale_translation(tmp_path):
    project = project_copy(tmp_path / "project")
    append(project / "docs/faq.md", "\n追加の段落です。\n")
    result = make(project, "check", STRICT_TRANSLATIONS="")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"^\s*docs/faq\.en\.md: out of date: faq\.md changed", output, re.M), output


def test_make_check_names_a_section_id_that_differs_between_languages(tmp_path):
    project = project_copy(tmp_path / "project")
    page = project / "docs/faq.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{#retry-many-times}", "{#retry-again}"),
                    encoding="utf-8")
    result = make(project, "check")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"faq/index\.html: ja \[.*'retry-many-times'.*\] != en \[.*'retry-again'.*\]", output), output


# --- the prose lint: what a finding looks like ------------------------------

@pytest.mark.parametrize("name, text, rule", [
    ("page.md", "# 題 {#t}\n\nこれはペンである。これはペンです。\n", "no-mix-dearu-desumasu"),
    ("page.md", "# 題 {#t}\n\nプロダクトキーを入力します。\n", "prh"),
    # A label quoted from the OS keeps its spelling; the same word outside 「」 does not.
    ("page.md", "# 題 {#t}\n\n「ユーザとグループ」を開き、ユーザを選びます。\n", "prh"),
    ("page.en.md", "# Title {#t}\n\nType your product key.\n", "terminology"),
    ("page.en.md", "# Title {#t}\n\nThis is a very good key.\n", "write-good"),
])
def test_a_finding_is_one_line_naming_file_line_and_rule(tmp_path, name, text, rule):
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    found = prose_lint.findings([page])
    assert len(found) == 1, found
    assert found[0].startswith(f"{page}:3: {rule}: "), found
    assert "\n" not in found[0]


def test_placeholders_and_markers_are_not_prose(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# 題 {#t}\n\n<!-- key-checker -->\n\n{{ vendor.product }} のライセンスキーを入力します。"
                    "キーは <!-- key:length --> 文字です。\n", encoding="utf-8")
    assert prose_lint.findings([page]) == []


# --- a new page in one step -------------------------------------------------

def test_make_new_page_writes_both_languages_and_the_nav_and_make_check_passes(tmp_path):
    project = project_copy(tmp_path / "project")
    result = make(project, "new-page", "NAME=billing")
    assert result.returncode == 0, result.stdout + result.stderr
    ja, en = project / "docs/billing.md", project / "docs/billing.en.md"
    assert re.search(r"^# .+ \{#billing\}$", ja.read_text(encoding="utf-8"), re.M)
    assert re.search(r"^# .+ \{#billing\}$", en.read_text(encoding="utf-8"), re.M)
    assert translations.read_record(en.read_text(encoding="utf-8"))["source"] == "billing.md"
    assert {t.page: t.state for t in translations.translations(project / "docs")}["billing.en.md"] == "current"
    assert re.search(r"^nav:\n(  - .*\n)*  - billing\.md$", (project / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert make(project, "new-page", "NAME=billing").returncode != 0  # never overwrites a page

    result = make(project, "check", STRICT_TRANSLATIONS="1")
    assert result.returncode == 0, result.stdout + result.stderr


# --- set-up on a writer's own account ---------------------------------------

def test_setup_with_a_python_the_lock_does_not_support_says_which_to_install(tmp_path):
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    minimum = re.search(r'^requires-python = ">=([0-9.]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    version = subprocess.run([system_python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                             capture_output=True, text=True).stdout.strip()
    if tuple(map(int, version.split("."))) >= tuple(map(int, minimum.split("."))):
        pytest.skip(f"/usr/bin/python3 is {version}: supported here, nothing to refuse")
    project = tmp_path / "project"
    (project / "tools").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "package.json", "package-lock.json",
                 "tools/find_python.sh"):
        shutil.copy2(ROOT / name, project / name)
    home = tmp_path / "home"
    home.mkdir()
    # A writer's account: the distribution's python3 on PATH, no pyenv.
    result = subprocess.run(["make", "--no-print-directory", "-C", str(project), "setup"],
                            env={"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"},
                            capture_output=True, text=True)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert f"needs Python {minimum} or newer (found: {version})" in errors[0]
    assert "install Python 3.13" in errors[0]
    assert not (project / ".venv").exists()
