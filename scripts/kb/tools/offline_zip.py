"""`kb offline`: the whole site, both languages, in a zip that works from disk.

The zip is reproducible: sorted entries, fixed timestamps. The build itself (the theme's
offline plugin and a local worker polyfill) is kb.build.offline's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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
