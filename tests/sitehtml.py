"""Reading built HTML pages with the standard library (shared by the site tests)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}


@dataclass
class ParsedPage:
    ids: set = field(default_factory=set)
    heading_ids: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (tag, attrs dict, url)
    lang: str = ""
    meta: dict = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.page.ids.add(attrs["id"])
            if tag in HEADINGS:
                self.page.heading_ids.append(attrs["id"])
        if tag == "html":
            self.page.lang = attrs.get("lang", "")
        if tag == "meta" and "name" in attrs:
            self.page.meta[attrs["name"]] = attrs.get("content", "")
        url = attrs.get(LINK_ATTRS.get(tag, ""))
        if url is not None:
            self.page.links.append((tag, attrs, url))


def parse(path: Path) -> ParsedPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


def page_url(site_dir: Path, path: Path, base: str) -> str:
    """The URL a built file is served at (directory URLs end with "/")."""
    rel = path.relative_to(site_dir).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return urljoin(base, rel)


def resolve_file(site_dir: Path, url: str, base: str):
    """The file a same-site URL is served from, or None if it is not on this site."""
    if not url.startswith(base):
        return None
    rel = urlsplit(url).path[len(urlsplit(base).path):]
    target = site_dir / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target
