"""`kb compare-engines`: the site built by MkDocs and by ProperDocs must be the same.

ProperDocs is the maintained fork of MkDocs 1.6 (MkDocs 2 will not run Material or our
hooks). It reads mkdocs.yml and answers the plugins' imports of `mkdocs`. Building with
both on every CI run keeps the way off MkDocs tested: the only difference allowed is the
generator tag, which names the engine. MAINTAINING.md says when and how to switch.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ENGINES = ("mkdocs", "properdocs")

#: The one line the engines may write differently: <meta name="generator" content="…">.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


class EngineMissing(Exception):
    """An engine is not installed in this environment."""


def build(engine: str, root: Path, out: Path) -> subprocess.CompletedProcess:
    """A strict, clean build of the site at `root` into `out` with `engine`'s command."""
    command = Path(sys.executable).parent / engine
    if not command.is_file():
        found = shutil.which(engine)
        if found is None:
            raise EngineMissing(f"{engine} is not installed: run `make setup` (requirements.lock pins it)")
        command = Path(found)
    return subprocess.run([str(command), "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml"),
                           "--site-dir", str(out)], cwd=root, capture_output=True, text=True)


def differences(left: Path, right: Path) -> list[str]:
    """Files, relative to the site, that only one build has or that differ beyond the generator tag."""
    def files(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    mine, theirs = files(left), files(right)
    found = sorted(mine ^ theirs)
    for name in sorted(mine & theirs):
        one, other = (left / name).read_bytes(), (right / name).read_bytes()
        if one != other and GENERATOR.sub(b"", one) != GENERATOR.sub(b"", other):
            found.append(name)
    return sorted(found)


def compare(root: Path, scratch: Path) -> tuple[list[str], str]:
    """(files that differ, the failing build's output or ""), building into `scratch`."""
    outputs = {}
    for engine in ENGINES:
        outputs[engine] = scratch / engine
        done = build(engine, root, outputs[engine])
        if done.returncode != 0:
            return [], f"{engine} build failed:\n{(done.stdout + done.stderr)[-3000:]}"
    return differences(outputs[ENGINES[0]], outputs[ENGINES[1]]), ""
