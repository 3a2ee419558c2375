"""What the build needs across its events: the content model, computed once per change
of the sources, the state of the running build, and the compiled templates.

static-i18n runs the build once per language, and `mkdocs serve` rebuilds on every save;
the content is loaded and checked again only when a file under docs/ or data/ changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import checks, load, sitecheck
from .load import Content
from .problems import Problem
from .site import load_site

_cache: dict[Path, tuple[tuple, Content, list[Problem]]] = {}


@dataclass
class BuildState:
    """Where the running build is.

    static-i18n builds every further language inside the default language's post-build
    step, so each hook runs once per language and the site is complete only when the
    outermost build ends. A dirty rebuild (`make serve`) writes only the pages that
    changed; only those get their links checked, so a save shows within a second or two."""

    command: str = "build"
    dirty: bool = False
    depth: int = 0
    completed: int = 0
    written: set[Path] = field(default_factory=set)
    shared: tuple = ()  # data/ and mkdocs.yml as the last complete build saw them
    shared_now: tuple = ()  # ... and as the running build sees them
    link_check: sitecheck.StreamedCheck | None = None  # a full build's, reading pages as they are written

    def started(self) -> bool:
        """True for the outermost build: the one that reads the sources again."""
        self.depth += 1
        return self.depth == 1

    def finished(self) -> bool:
        """True when the outermost build (the last language) has just finished."""
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            self.completed += 1
            self.shared = self.shared_now
        return self.depth == 0

    @property
    def dirty_rebuild(self) -> bool:
        """A rebuild of changed pages only, after the first full build of `make serve`."""
        return self.dirty and self.completed > 0

    def every_page_stale(self, root: Path) -> bool:
        """Whether data/ or mkdocs.yml changed since the last complete build of `make serve`.
        Every page shows what they hold (contacts, terms, the navigation), so a dirty
        rebuild must then render every page, not only the saved one."""
        self.shared_now = _fingerprint([root / "data", root / "mkdocs.yml"])
        return self.completed > 0 and self.shared_now != self.shared

    def page_written(self, path: Path) -> None:
        """MkDocs is about to write `path`: a dirty rebuild checks its links afterwards, and
        a full build's streamed check reads it as soon as it is on disk."""
        if self.dirty:
            self.written.add(path)
        elif self.link_check:
            self.link_check.written(path)

    def pages_to_check(self) -> set[Path] | None:
        """None means every page (a full build). Clears the record for the next rebuild."""
        pages = set(self.written) if self.dirty else None
        self.written.clear()
        return pages

    def failed(self) -> None:
        self.depth = 0
        self.written.clear()
        if self.link_check:
            self.link_check.stop()
            self.link_check = None


#: The state of the build running in this process (`mkdocs serve` runs one build after another).
state = BuildState()


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates, compiled once per process. MkDocs makes a new template
    environment for every build, and static-i18n builds once per language, so each
    template was compiled again for every language and for every save in `make serve`.
    Jinja compares each template's source checksum, so an edited override is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


compiled_templates = CompiledTemplates()


def render_every_page(site_dir: Path) -> None:
    """A dirty rebuild renders the pages whose output is older than their source: date
    every built page back to 1970."""
    for page in site_dir.rglob("*.html"):
        os.utime(page, (0, 0))


def include_drafts() -> bool:
    """Drafts show in `make serve` (KB_DRAFTS=1), never in a production build."""
    return os.environ.get("KB_DRAFTS", "") == "1"


def _fingerprint(paths: list[Path]) -> tuple:
    """Every file's path, size and modification time, in folders or given: one stat per
    file (os.walk knows which entries are files), since `make serve` asks on every save."""
    stamps = []
    for path in paths:
        if path.is_file():
            stat = path.stat()
            stamps.append((str(path.parent), path.name, stat.st_mtime_ns, stat.st_size))
        for parent, _, names in os.walk(path):
            for name in names:
                try:
                    stat = os.stat(os.path.join(parent, name))
                except OSError:
                    continue  # an editor's temporary file, gone already, or a broken link
                stamps.append((parent, name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(stamps))


def content_once(root: Path, refresh: bool = False) -> tuple[Content, list[Problem]]:
    """The content model for this build. Only refresh=True (the outermost on_config, once
    per build) looks at the files again; every other hook, and the build of each further
    language, reuses the result, so a build never rescans docs/ once per page."""
    cached = _cache.get(root)
    if cached and not refresh:
        return cached[1], cached[2]
    site = load_site(root)
    stamp = _fingerprint([site.docs_dir, site.data_dir])
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    content = load.load(site)
    problems = checks.run(content, checks.BUILD)
    _cache[root] = (stamp, content, problems)
    return content, problems
