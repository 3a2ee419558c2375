"""What the build needs from the content model, computed once per change of the sources.

static-i18n runs the build once per language, and `mkdocs serve` rebuilds on every save;
the content is loaded and checked again only when a file under docs/ or data/ changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import checks, load
from .load import Content
from .problems import Problem
from .site import load_site

_cache: dict[Path, tuple[tuple, Content, list[Problem]]] = {}


def include_drafts() -> bool:
    """Drafts show in `make serve` (KB_DRAFTS=1), never in a production build."""
    return os.environ.get("KB_DRAFTS", "") == "1"


def _fingerprint(folders: list[Path]) -> tuple:
    stamps = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def content_once(root: Path, refresh: bool = False) -> tuple[Content, list[Problem]]:
    """The content model for this build. Only refresh=True (on_config, once per build and
    language) looks at the files again; every per-page hook reuses the result, so a build
    never rescans docs/ once per page."""
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
