"""The offline edition's build: the theme's worker polyfill from node_modules, never a CDN.

Built with the theme's offline plugin (page.html links, the search index inlined as a
script) and iframe-worker from node_modules, so search runs from file:// with no request
to any other origin. `kb offline` (kb.tools.offline_zip) runs this build and zips it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SHIM_SOURCE = Path("node_modules") / "iframe-worker" / "shim" / "index.js"
SHIM_TARGET = "assets/javascripts/iframe-worker-shim.js"


def copy_shim(root: Path, site_dir: Path) -> None:
    source = root / SHIM_SOURCE
    if not source.is_file():
        raise FileNotFoundError(f"{SHIM_SOURCE} is missing: run `make setup` (npm ci)")
    target = site_dir / SHIM_TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
