"""A link checker over the built HTML of both languages: no broken link or anchor."""

from urllib.parse import urljoin, urlsplit

from sitehtml import page_url, parse, resolve_file


def test_no_broken_links_or_anchors(site):
    parsed = {}

    def get(path):
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    broken, checked = [], 0
    for path in site.html_files():
        here = page_url(site.dir, path, site.url)
        for tag, attrs, url in get(path).links:
            if url.startswith(("mailto:", "tel:", "data:", "javascript:")) or url == "":
                continue
            absolute = urljoin(here, url)
            if urlsplit(absolute).scheme not in ("http", "https"):
                continue
            target = resolve_file(site.dir, absolute, site.url)
            if target is None:
                continue  # another site: links out are allowed, requests are tested in the browser
            checked += 1
            if not target.exists():
                broken.append(f"{path.relative_to(site.dir)}: {url} (no {target.relative_to(site.dir)})")
                continue
            fragment = urlsplit(absolute).fragment
            if fragment and target.suffix == ".html" and fragment not in get(target).ids:
                broken.append(f"{path.relative_to(site.dir)}: {url} (no id {fragment!r})")
    assert checked > 100, f"only {checked} links checked: the checker is not seeing the site"
    assert not broken, "\n".join(broken)
