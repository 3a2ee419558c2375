"""After the build: every href, src and #fragment in the built HTML of every language.

MkDocs validates the links it sees in Markdown; this also covers generated pages, raw
HTML, the theme and the language switcher. It flags cross-language links (a Swedish page
linking to the English one where a Swedish page exists) and insecure http:// links.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problems import Problem
from .site import Site

SKIP_SCHEMES = ("mailto", "tel", "data", "javascript", "blob")
SKIP_FOLDERS = {"assets", "search"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, bool, bool]] = []  # line, url, in article, has hreflang
        self.depth_in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self.depth_in_article += 1
        for name in ("id", "name" if tag == "a" else ""):
            if name and values.get(name):
                self.ids.add(values[name])
        for name in ("href", "src"):
            url = values.get(name)
            if url and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
                self.links.append((self.getpos()[0], url, self.depth_in_article > 0, "hreflang" in values))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth_in_article:
            self.depth_in_article -= 1


def _language_of(path: str, site: Site) -> str:
    first = path.split("/", 1)[0]
    return first if first in site.languages[1:] else site.default_language


def _target_file(site_dir: Path, path: str) -> Path | None:
    candidate = site_dir / path
    if path.endswith("/") or path == "":
        candidate = candidate / "index.html"
    elif not candidate.suffix and (candidate / "index.html").is_file():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _in_language(path: str, lang: str, site: Site) -> str:
    """The same site path in another language's folder."""
    current = _language_of(path, site)
    bare = path.removeprefix(f"{current}/") if current != site.default_language else path
    return bare if lang == site.default_language else f"{lang}/{bare}"


def check_site(site_dir: Path, site: Site, site_host: str = "") -> list[Problem]:
    pages = sorted(p for p in site_dir.rglob("*.html") if p.relative_to(site_dir).parts[0] not in SKIP_FOLDERS)
    parsed: dict[Path, _Page] = {}
    for page in pages:
        parser = _Page()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    problems: list[Problem] = []
    for page, parser in parsed.items():
        rel = page.relative_to(site_dir).as_posix()
        where = f"{site_dir.name}/{rel}"
        page_url = "/" + rel.removesuffix("index.html")
        page_lang = _language_of(rel, site)
        for line, url, in_article, has_hreflang in parser.links:
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES:
                continue
            if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost"):
                problems.append(Problem(where, line, f"insecure link {url}: use https://"))
                continue
            if parts.scheme and parts.hostname != site_host:
                continue  # external: checked on a schedule by `kb links`
            if not parts.path and not parts.netloc:
                target_path = page_url
            else:
                target_path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url + "x"), parts.path))
                if parts.path.endswith("/") and not target_path.endswith("/"):
                    target_path += "/"
            target_rel = target_path.lstrip("/")
            target = _target_file(site_dir, target_rel)
            if target is None:
                problems.append(Problem(where, line, f"broken link {url}: nothing is built at /{target_rel}"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in parsed.get(target, _Page()).ids:
                problems.append(Problem(where, line, f"broken link {url}: /{target_rel} has no anchor #{fragment}"))
            target_lang = _language_of(target_rel, site)
            if in_article and not has_hreflang and target.suffix == ".html" and target_lang != page_lang:
                own = _target_file(site_dir, _in_language(target_rel, page_lang, site))
                if own is not None:
                    problems.append(Problem(where, line, f"link {url} leads to the {target_lang} page although the "
                                                         f"page exists in {page_lang}: link to the source file "
                                                         f"(page.md), not page.{target_lang}.md"))
    return problems
