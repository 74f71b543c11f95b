"""The offline bundle: the whole help, in both languages, to open from a folder (``make offline``).

A vendor ships it inside the product's installer; the product's error dialog opens
``help/en/troubleshooting.html#check-connection`` (a file:// URL) when it is offline.

The site is built with ``OFFLINE_BUNDLE=true`` (mkdocs.yml: Material's offline plugin,
``page.html`` URLs, the search index inlined per language, no /go/ pages and no
key-checker runtime) into ``dist/activation-help-offline-VERSION/``. What a copy opened
from files never reads is then removed (the sitemap, source maps, the JSON search
indexes, lunr's files for languages the site does not have), the folder is zipped
next to it and the sizes are printed.

    python tools/offline_bundle.py [--dist DIR]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = ROOT / ".venv" / "bin" / "mkdocs"
NAME = "activation-help-offline"
# Read over HTTP only (hosts, search engines, browser developer tools), never from a file.
UNUSED_FILES = ("sitemap.xml", "sitemap.xml.gz", "partials")
UNUSED_PATTERNS = ("**/*.map", "**/search/search_index.json",
                   # the key checker's scripts: the bundle has no runtime for them
                   "assets/javascripts/key-checker*.js", "assets/javascripts/support-summary.js",
                   # "Check this computer" runs no check from a file (overrides/hooks/diagnose.py)
                   "assets/javascripts/diagnose.js")
LUNR = Path("assets/javascripts/lunr")


class BuildFailed(RuntimeError):
    pass


def version():
    """The project's version (checker/__init__.py, which pyproject.toml reads too)."""
    text = (ROOT / "checker" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def build_site(folder):
    """`mkdocs build --strict` of the offline variant into folder (replaced)."""
    env = dict(os.environ, OFFLINE_BUNDLE="true", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(folder)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildFailed(f"the offline build failed:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def _lunr_files_needed(folder):
    """lunr's files Material's search worker imports for the languages of the built indexes."""
    needed = {"min/lunr.stemmer.support.min.js"}
    for index in folder.glob("**/search/search_index.json"):
        languages = json.loads(index.read_text(encoding="utf-8"))["config"]["lang"]
        for lang in languages:
            needed.add({"ja": "tinyseg.js", "hi": "wordcut.js", "th": "wordcut.js"}.get(lang, ""))
            if lang != "en":
                needed.add(f"min/lunr.{lang}.min.js")
        if len(languages) > 1:
            needed.add("min/lunr.multi.min.js")
    return needed - {""}


def prune(folder):
    """Remove what a copy opened from files never reads."""
    lunr = folder / LUNR
    needed = _lunr_files_needed(folder)
    for path in lunr.rglob("*"):
        if path.is_file() and path.relative_to(lunr).as_posix() not in needed:
            path.unlink()
    for name in UNUSED_FILES:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for pattern in UNUSED_PATTERNS:
        for path in folder.glob(pattern):
            path.unlink()


def zip_time():
    """Every entry's time: SOURCE_DATE_EPOCH, else the last commit's, so the same sources give the same zip."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
        epoch = result.stdout.strip() if result.returncode == 0 else ""
    return time.gmtime(int(epoch) if epoch.isdigit() else time.time())[:6]


def make_zip(folder, zip_path):
    """Zip the folder's files (at the zip's root, sorted, all with one time)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    when = zip_time()
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return zip_path


def build(dist=ROOT / "dist"):
    """Build the bundle folder and its zip in dist; return (folder, zip path)."""
    dist = Path(dist)
    dist.mkdir(parents=True, exist_ok=True)
    folder = dist / f"{NAME}-{version()}"
    build_site(folder)
    prune(folder)
    return folder, make_zip(folder, dist / f"{folder.name}.zip")


def size_report(folder, zip_path):
    files = [p for p in folder.rglob("*") if p.is_file()]
    unpacked = sum(p.stat().st_size for p in files)

    def shown(path):
        return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return (f"{shown(zip_path)}: {zip_path.stat().st_size / 1e6:.2f} MB zipped, "
            f"{unpacked / 1e6:.2f} MB unpacked in {len(files)} files ({shown(folder)}/)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where to write the bundle (dist/)")
    args = parser.parse_args(argv)
    try:
        folder, zip_path = build(args.dist)
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(size_report(folder.resolve(), zip_path.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
