"""The search worker the site ships, put together by the build from pinned npm packages.

lunr.js 2.3.9 and lunr-languages (package-lock.json; never a CDN), then the project's
worker (overrides/assets/kb-search-worker.js), which reads the index's manifest and the
shards a query needs (kb.build.search_file) and answers the theme's search box. One file, so that a real Worker and
the offline edition's iframe-worker (file://) run it alike. MkDocs copies the project's
worker into the site as it is; the build then writes the whole worker over it. (In
`make serve`, an edit of the worker's source shows at the next start, as search does.)
"""

from __future__ import annotations

from pathlib import Path

from kb.build import compat, search_words

#: The worker in the built site; overrides/main.html names it in the theme's __config.
TARGET = "assets/kb-search-worker.js"

#: The project's part, from overrides/ (copied to TARGET by MkDocs before the build writes it whole).
SOURCE = Path("overrides") / TARGET

LUNR = Path("node_modules") / "lunr" / "lunr.min.js"
LANGUAGES = Path("node_modules") / "lunr-languages" / "min"


#: The checkout the kb package runs from, where `make setup` installed .venv and node_modules.
CHECKOUT = Path(__file__).resolve().parents[3]


def npm_root(root: Path) -> Path:
    """Where the npm packages are: the project's node_modules, or for a copy of the project
    without one (tests, `kb compare-engines`), the checkout kb runs from."""
    return next((base for base in (root, CHECKOUT) if (base / LUNR).is_file()), root)


def parts(root: Path, languages: tuple[str, ...] | list[str]) -> list[Path]:
    """The files the worker is made of, in order: lunr, the Snowball support and stemmer of
    each language that uses one (kb.build.search_words), the project's worker."""
    snowball = [lang for lang in languages if search_words.uses_snowball(root, lang)]
    npm = npm_root(root)
    found = [npm / LUNR]
    if snowball:
        found.append(npm / LANGUAGES / "lunr.stemmer.support.min.js")
        found += [npm / LANGUAGES / f"lunr.{lang}.min.js" for lang in snowball]
    return [*found, root / SOURCE]


def write(root: Path, site_dir: Path, languages: tuple[str, ...] | list[str]) -> Path:
    """Write the worker into the built site; returns its path."""
    files = parts(root, languages)
    missing = [path.as_posix() for path in files if not path.is_file()]
    if missing:
        raise compat.BuildError(f"{', '.join(missing)} missing: run `make setup` (npm ci)")
    target = site_dir / TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n;\n".join(path.read_text(encoding="utf-8").strip() for path in files) + "\n",
                      encoding="utf-8")
    return target
