"""After the build: every href, src and #fragment in the built HTML of every language.

MkDocs validates the links it sees in Markdown; this also covers generated pages, raw
HTML, the theme and the language switcher. It flags cross-language links (a Swedish page
linking to the English one where a Swedish page exists) and insecure http:// links.
"""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.connection
import os
import posixpath
import re
import threading
from array import array
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kb.build import compat
from kb.model.load import built_url
from kb.model.problems import Problem
from kb.model.site import Site

SKIP_SCHEMES = ("mailto", "tel", "data", "javascript", "blob")
SKIP_FOLDERS = {"assets", "search"}


_TAG = re.compile(rf"<(a|link|script|img|iframe|source|area)\b([^>]*)>|<(/?){compat.CONTENT_ELEMENT}\b[^>]*>", re.I)
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
    a problem its line number. The links are kept compactly, every address and id as the
    one copy `strings` holds (the menus repeat them on every page): at 1,000 methods the
    check held 50 MB of tuples and strings, most of its process's own memory."""

    __slots__ = ("path", "urls", "offsets", "flags", "ids")

    def __init__(self, path: Path, strings: dict[str, str]) -> None:
        self.path = path
        text = path.read_text(encoding="utf-8")
        one = strings.setdefault
        urls: list[str] = []
        self.offsets = array("L")  # where each link's tag starts
        flags = bytearray()  # each link's: INSIDE the article, HREFLANG
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
                    urls.append(one(values[name], values[name]))
                    self.offsets.append(match.start())
                    flags.append((_INSIDE if depth > 0 else 0) | (_HREFLANG if "hreflang" in values else 0))
        self.urls = tuple(urls)
        self.flags = bytes(flags)
        ids = {unescape(m.group(1)) for m in _ID.finditer(text) if text[m.start() - 1].isspace()}
        ids.update(unescape(m.group(1)) for m in _NAME.finditer(text)
                   if text[m.start() - 1].isspace() and _is_link_tag(text, m.start()))
        self.ids = frozenset(one(found, found) for found in ids)

    def links(self) -> Iterator[tuple[int, str, bool, bool]]:
        """Each link: where its tag starts, its address, whether it is inside the article,
        whether it has an hreflang."""
        for offset, url, flag in zip(self.offsets, self.urls, self.flags, strict=True):
            yield offset, url, bool(flag & _INSIDE), bool(flag & _HREFLANG)

    def line(self, offset: int) -> int:
        return self.path.read_text(encoding="utf-8").count("\n", 0, offset) + 1


_INSIDE, _HREFLANG = 1, 2


def _is_link_tag(text: str, offset: int) -> bool:
    """Whether the attribute at offset belongs to an <a> tag."""
    start = text.rfind("<", 0, offset)
    return text[start + 1:start + 3].lower() in ("a ", "a\n", "a\t")


class _Pages(dict):
    """Built pages by path, each read the first time it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: dict[str, str] = {}  # the one copy of each address and id

    def __missing__(self, path: Path) -> _Page:
        page = self[path] = _Page(path, self.strings)
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
    return site.folder(lang) + path.removeprefix(site.folder(current))


def check_site(site_dir: Path, site: Site, site_host: str = "", only: set[Path] | None = None) -> list[Problem]:
    """Problems with the links of every built page, or of the pages in `only` (what a
    dirty rebuild in `make serve` wrote); the pages they link to are read when needed."""
    return _check_pages(site_dir, site, site_host, _pages(site_dir, only), _Pages())


def _pages(site_dir: Path, only: set[Path] | None = None) -> list[Path]:
    candidates = site_dir.rglob("*.html") if only is None else (p for p in only if p.suffix == ".html" and p.is_file())
    return sorted(p for p in candidates if p.relative_to(site_dir).parts[0] not in SKIP_FOLDERS)


def may_fork() -> bool:
    """Only a single-threaded process forks safely (`mkdocs serve` runs server threads),
    and Windows cannot fork at all."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


class StreamedCheck:
    """The link check of a full build, started before MkDocs writes the first page.

    A process of its own reads each page as soon as it has been written, by the build or
    by the fork that builds the further languages (kb.build.further_languages), so when the
    build ends only the links themselves are left to check: at 2,000 methods, reading the
    pages was 1.5 s of the check's 2.2 s. It finds exactly what check_site finds, and
    check_site takes over if the process fails.

    The process is a new interpreter (spawned), not a fork of the build: it needs none of
    the build's memory, and a fork's copy of it became the fork's own as the build went on
    (Python writes a reference count into every object it touches): 70 MB at 1,000
    methods, against 30 MB for a new interpreter."""

    def __init__(self, site_dir: Path, site: Site, site_host: str = "", writers: int = 1) -> None:
        """`writers`: how many processes write pages (kb.build.further_languages forks one
        for the further languages); each hands its pages over on a connection of its own."""
        self._args = (site_dir, site, site_host)
        context = multiprocessing.get_context("spawn")
        pairs = [context.Pipe() for _ in range(writers)]
        self._conns = [ours for ours, _ in pairs]
        self._conn = self._conns[0]
        self._process = context.Process(target=_stream_worker, args=([theirs for _, theirs in pairs], *self._args),
                                        daemon=True)
        self._process.start()
        for _, theirs in pairs:
            theirs.close()
        self._previous: Path | None = None
        self._batch: list[bytes] = []

    #: Pages handed over at a time: one message per page cost 0.2 s at 2,000 methods.
    BATCH = 50

    def written(self, path: Path) -> None:
        """MkDocs is about to write `path`; the page before it is on disk now."""
        if self._previous is not None:
            self._batch.append(os.fsencode(self._previous))
            if len(self._batch) >= self.BATCH:
                self._hand_over()
        self._previous = path

    def _hand_over(self) -> None:
        if self._batch:  # never an empty message: that one means the end
            self._conn.send_bytes(b"\0".join(self._batch))
            self._batch.clear()

    def become_writer(self, number: int) -> None:
        """In the forked process: hand pages over on connection `number` (not 0, the build's)."""
        for other, conn in enumerate(self._conns):
            if other != number:
                conn.close()
        self._conn = self._conns[number]
        self._previous, self._batch = None, []

    def forked(self) -> None:
        """In the build's process, once the writers are forked: their connections are theirs."""
        for conn in self._conns[1:]:
            conn.close()

    def finish_writing(self) -> None:
        """Every page of this writer is on disk: the last ones go over, then the end."""
        try:
            if self._previous is not None:
                self._batch.append(os.fsencode(self._previous))
                self._previous = None
            self._hand_over()
            self._conn.send_bytes(b"")  # the end
        except OSError:
            pass  # the process is gone: the build's `problems` says so

    def problems(self, meanwhile: Callable[[], object] | None = None) -> list[Problem]:
        """Every page's problems, once the build has written everything; `meanwhile` runs
        in this process while the other one checks."""
        try:
            self.finish_writing()
            if meanwhile:
                meanwhile()
            try:
                return self._conn.recv()
            except (EOFError, OSError):
                return check_site(*self._args)
        finally:
            self.stop()

    def stop(self) -> None:
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()


def _stream_worker(conns: list, site_dir: Path, site: Site, site_host: str) -> None:
    """Read pages as their paths arrive, from every writer; when each has said it has
    finished (an empty message), check every built page and answer on the first."""
    parsed = _Pages()
    writing = list(conns)
    try:
        while writing:
            for conn in multiprocessing.connection.wait(writing):
                names = conn.recv_bytes()
                if not names:
                    writing.remove(conn)
                for name in names.split(b"\0") if names else ():
                    path = Path(os.fsdecode(name))
                    if path.is_file():  # a page with empty output is not written
                        parsed[path] = _Page(path, parsed.strings)
        conns[0].send(_check_pages(site_dir, site, site_host, _pages(site_dir), parsed))
    except (EOFError, OSError):
        pass  # the build stopped before its end


def _check_pages(site_dir: Path, site: Site, site_host: str, pages: list[Path], parsed: _Pages) -> list[Problem]:
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
    for offset, url, in_article, has_hreflang in parser.links():
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


def in_sources(problems: list[Problem], content, site_dir: Path) -> list[Problem]:
    """The built site's problems where a contributor fixes them: at the page's source file
    and, when the link is written there, its line (a generated link keeps the page's file).
    What belongs to no page (the theme's own files) stays at the built file."""
    built = {}
    for page in content.valid_pages():
        folder = content.site.folder(page.lang)
        url = f"{folder}{built_url(page.key)}"
        built[f"{site_dir.name}/{url}index.html" if url.endswith("/") or not url else f"{site_dir.name}/{url}"] = page
    mapped = []
    for problem in problems:
        page = built.get(problem.path)
        if page is None:
            mapped.append(problem)
            continue
        url = _LINK_IN_MESSAGE.search(problem.message)
        line = None
        if url:
            needle = posixpath.basename(url.group(1).split("#", 1)[0].rstrip("/")) or url.group(1)
            needle = needle.removesuffix(".html")
            for number, text in enumerate(page.body.split("\n"), start=page.body_line):
                if needle and needle in text:
                    line = number
                    break
        mapped.append(Problem(page.rel, line, problem.message))
    return mapped


_LINK_IN_MESSAGE = re.compile(r"link (\S+?):? ")
