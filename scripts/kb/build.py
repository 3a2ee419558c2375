"""What the build needs from the content model, computed once per change of the sources.

static-i18n runs the build once per language, and `mkdocs serve` rebuilds on every save;
the content is loaded and checked again only when a file under docs/ or data/ changed.
"""

from __future__ import annotations

from pathlib import Path

from . import checks, load
from .problems import Problem
from .site import load_site

_cache: dict[Path, tuple[tuple, list[Problem]]] = {}


def _fingerprint(folders: list[Path]) -> tuple:
    stamps = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def check_once(root: Path) -> list[Problem]:
    site = load_site(root)
    stamp = _fingerprint([site.docs_dir, site.data_dir])
    cached = _cache.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    problems = checks.run(load.load(site))
    _cache[root] = (stamp, problems)
    return problems
