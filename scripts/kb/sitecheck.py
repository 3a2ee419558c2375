"""After the build: every href, src and #fragment in the built HTML of every language.

MkDocs validates the links it sees in Markdown; this also covers generated pages, raw
HTML, the theme and the language switcher. It flags cross-language links (a Swedish page
linking to the English one where a Swedish page exists) and insecure http:// links.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import posixpath
import re
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problems import Problem
from .site import Site

SKIP_SCHEMES = ("mailto", "tel", "data", "javascript", "blob")
SKIP_FOLDERS = {"assets", "search"}


_TAG = re.compile(r"<(a|link|script|img|iframe|source|area)\b([^>]*)>|<(/?)article\b[^>]*>", re.I)
_ATTR = re.compile(r'(\w[\w:-]*)\s*=\s*"([^"]*)"')
# A literal start (no leading \s or alternation) lets the regex engine skip ahead quickly;
# the character before is checked by hand, so data-id="…" does not count. name="…" is an
# anchor only on <a> (not on <meta name="viewport">).
_ID = re.compile(r'id="([^"]+)"')
_NAME = re.compile(r'name="([^"]+)"')


class _Page:
    """The links and the ids of one built page. Regular expressions, not an HTML parser:
    the theme writes regular HTML, and this runs over every page of every build. The text
    is not kept (thousands of pages would fill the memory); it is read again only to give
    a problem its line number."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = path.read_text(encoding="utf-8")
        self.links: list[tuple[int, str, bool, bool]] = []  # offset, url, inside the article, has hreflang
        depth = 0
        for match in _TAG.finditer(text):
            if match.group(1) is None:
                depth = max(0, depth + (-1 if match.group(3) else 1))
                continue
            values = {k.lower(): unescape(v) for k, v in _ATTR.findall(match.group(2))}
            if match.group(1).lower() == "link" and values.get("rel") in ("canonical", "alternate"):
                continue
            for name in ("href", "src"):
                if values.get(name):
                    self.links.append((match.start(), values[name], depth > 0, "hreflang" in values))
        self.ids = {unescape(m.group(1)) for m in _ID.finditer(text) if text[m.start() - 1].isspace()}
        self.ids.update(unescape(m.group(1)) for m in _NAME.finditer(text)
                        if text[m.start() - 1].isspace() and _is_link_tag(text, m.start()))

    def line(self, offset: int) -> int:
        return self.path.read_text(encoding="utf-8").count("\n", 0, offset) + 1


def _is_link_tag(text: str, offset: int) -> bool:
    """Whether the attribute at offset belongs to an <a> tag."""
    start = text.rfind("<", 0, offset)
    return text[start + 1:start + 3].lower() in ("a ", "a\n", "a\t")


class _Pages(dict):
    """Built pages by path, each read the first time it is asked for."""

    def __missing__(self, path: Path) -> _Page:
        page = self[path] = _Page(path)
        return page


def _language_of(path: str, site: Site) -> str:
    first = path.split("/", 1)[0]
    return first if first in site.languages[1:] else site.default_language


@functools.cache
def _target_file(site_dir: Path, path: str) -> Path | None:
    """The built file a site path leads to (cached: the same targets recur on every page)."""
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


#: Below this many pages, starting a second process costs more than it saves.
PARALLEL_FROM = 400


def check_site(site_dir: Path, site: Site, site_host: str = "", only: set[Path] | None = None,
               meanwhile: Callable[[], object] | None = None) -> list[Problem]:
    """Problems with the links of every built page, or of the pages in `only` (what a
    dirty rebuild in `make serve` wrote); the pages they link to are read when needed.
    A big site is checked in two halves on two cores (the build itself uses one), and
    `meanwhile` runs in this process while they work."""
    candidates = site_dir.rglob("*.html") if only is None else (p for p in only if p.suffix == ".html" and p.is_file())
    pages = sorted(p for p in candidates if p.relative_to(site_dir).parts[0] not in SKIP_FOLDERS)
    check = functools.partial(_check_pages, site_dir, site, site_host)
    workers = min(2, os.cpu_count() or 1)
    if len(pages) < PARALLEL_FROM or workers < 2 or not _may_fork():
        if meanwhile:
            meanwhile()
        return check(pages)
    half = len(pages) // 2
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        halves = [pool.submit(check, part) for part in (pages[:half], pages[half:])]
        if meanwhile:
            meanwhile()
        return [problem for future in halves for problem in future.result()]


def _may_fork() -> bool:
    """Only a single-threaded process forks safely: `mkdocs serve` runs server threads."""
    return threading.active_count() == 1


def _check_pages(site_dir: Path, site: Site, site_host: str, pages: list[Path]) -> list[Problem]:
    parsed = _Pages()
    _target_file.cache_clear()  # a new build: nothing known about the files yet
    problems: list[Problem] = []
    for page in pages:
        parser = parsed[page]
        rel = page.relative_to(site_dir).as_posix()
        for offset, message in _page_problems(rel, parser, parsed, site_dir, site, site_host):
            problems.append(Problem(f"{site_dir.name}/{rel}", parser.line(offset), message))
    return problems


def _page_problems(rel: str, parser: _Page, parsed: _Pages, site_dir: Path, site: Site,
                   site_host: str) -> list[tuple[int, str]]:
    """(offset, message) for every bad link on one built page."""
    found: list[tuple[int, str]] = []
    page_url = "/" + rel.removesuffix("index.html")
    page_folder = posixpath.dirname(page_url + "x")
    page_lang = _language_of(rel, site)
    for offset, url, in_article, has_hreflang in parser.links:
        parts = urlsplit(url)
        if parts.scheme in SKIP_SCHEMES:
            continue
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost"):
            found.append((offset, f"insecure link {url}: use https://"))
            continue
        if parts.scheme and parts.hostname != site_host:
            continue  # external: checked on a schedule by `kb links`
        if not parts.path and not parts.netloc:
            target_path = page_url
        else:
            joined = parts.path if parts.path.startswith("/") else f"{page_folder}/{parts.path}"
            target_path = posixpath.normpath(joined)
            if parts.path.endswith("/") and not target_path.endswith("/"):
                target_path += "/"
        target_rel = target_path.lstrip("/")
        target = _target_file(site_dir, target_rel)
        if target is None:
            found.append((offset, f"broken link {url}: nothing is built at /{target_rel}"))
            continue
        fragment = unquote(parts.fragment) if "%" in parts.fragment else parts.fragment
        if fragment and target.suffix == ".html" and fragment not in parsed[target].ids:
            found.append((offset, f"broken link {url}: /{target_rel} has no anchor #{fragment}"))
        if not in_article or has_hreflang or target.suffix != ".html":
            continue
        target_lang = _language_of(target_rel, site)
        if target_lang != page_lang:
            if _target_file(site_dir, _in_language(target_rel, page_lang, site)) is not None:
                found.append((offset, f"link {url} leads to the {target_lang} page although the page exists in "
                                      f"{page_lang}: link to the source file (page.md), not page.{target_lang}.md"))
    return found
