"""The offline edition: the whole site, both languages, in a zip that works from disk.

Built with the theme's offline plugin (page.html links, the search index inlined as a
script) and iframe-worker from node_modules, so search runs from file:// with no request
to any other origin. The zip is reproducible: sorted entries, fixed timestamps.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

SHIM_SOURCE = Path("node_modules") / "iframe-worker" / "shim" / "index.js"
SHIM_TARGET = "assets/javascripts/iframe-worker-shim.js"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def enabled() -> bool:
    return os.environ.get("KB_OFFLINE", "").lower() == "true"


def use_local_shim(config) -> None:
    """Point the theme's worker polyfill at our copy, never at a CDN."""
    config.extra["polyfills"] = [SHIM_TARGET]


def copy_shim(root: Path, site_dir: Path) -> None:
    source = root / SHIM_SOURCE
    if not source.is_file():
        raise FileNotFoundError(f"{SHIM_SOURCE} is missing: run `make setup` (npm ci)")
    target = site_dir / SHIM_TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def write_zip(folder: Path, archive: Path) -> int:
    """Zip a folder reproducibly; returns the number of files."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, path.read_bytes())
    partial.replace(archive)  # never leave a half-written zip under the real name
    return len(files)


def build(root: Path, out_dir: Path, archive: Path) -> int:
    env = dict(os.environ, KB_OFFLINE="true", KB_DIRECTORY_URLS="false")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--strict", "--clean", "--site-dir", str(out_dir)],
                            cwd=root, env=env)
    if result.returncode != 0:
        return result.returncode
    count = write_zip(out_dir, archive)
    print(f"Wrote {archive} ({count} files). Unzip it and open index.html in a browser.")
    return 0
