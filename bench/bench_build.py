"""Build time: the real site, and a generated corpus of 300 articles in two languages
against the same corpus in one language (what static-i18n's per-language builds cost).

The corpus lives in a temporary folder, never in docs/. Writes bench/results-build.json.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = str(ROOT / ".venv" / "bin" / "mkdocs")
ARTICLES = 300
RUNS = 3  # builds are seconds long; three runs give a stable median on 2 cores

PARAGRAPH = {
    "ja": "ライセンス認証がうまくいかないときは、接続とキーの入力を順に確かめます。手順{n}では設定を見直します。",
    "en": "When activation fails, check the connection and the key in turn. Step {n} reviews the settings.",
}


def timed_build(project: Path, env=None) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([MKDOCS, "build", "--quiet", "--site-dir", out], cwd=project, check=True,
                       env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def median_build(project: Path) -> float:
    return statistics.median(timed_build(project) for _ in range(RUNS))


def write_corpus(folder: Path, languages):
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for i in range(ARTICLES):
        for lang in languages:
            suffix = "" if lang == languages[0] else f".{lang}"
            sections = "\n\n".join(
                f"## {'節' if lang == 'ja' else 'Section'} {s} {{#section-{s}}}\n\n" + " ".join(
                    PARAGRAPH[lang].format(n=s) for _ in range(6))
                for s in range(1, 6))
            (docs / f"article-{i:03d}{suffix}.md").write_text(
                f"---\ndescription: {lang} {i}\n---\n# {lang} {i} {{#top}}\n\n{sections}\n", encoding="utf-8")
    plugins = ["search"]
    if len(languages) > 1:
        plugins.append({"i18n": {"docs_structure": "suffix", "languages": [
            {"locale": lang, "name": lang, "default": lang == languages[0], "build": True}
            for lang in languages]}})
    config = {"site_name": "Corpus", "site_url": "https://help.example.com/",
              "theme": {"name": "material", "font": False, "language": languages[0]},
              "plugins": plugins, "markdown_extensions": ["attr_list", "toc"]}
    (folder / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML


def main():
    results = {"real_site_build_s": round(median_build(ROOT), 2)}
    with tempfile.TemporaryDirectory() as tmp:
        both, one = Path(tmp, "both"), Path(tmp, "one")
        write_corpus(both, ["ja", "en"])
        write_corpus(one, ["ja"])
        results["corpus_articles"] = ARTICLES
        results["corpus_two_languages_build_s"] = round(median_build(both), 2)
        results["corpus_one_language_build_s"] = round(median_build(one), 2)
    results["corpus_ratio"] = round(results["corpus_two_languages_build_s"]
                                    / results["corpus_one_language_build_s"], 2)
    results["runs"] = RUNS
    for key, value in results.items():
        print(f"  {key:32} {value}")
    (ROOT / "bench" / "results-build.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
