"""One shape for every problem any check finds: `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def rel(path: Path, root: Path) -> str:
    """Paths in messages are relative to the project, as a contributor sees them."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def summary(problems: list[Problem]) -> str:
    if not problems:
        return "No problems found."
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    return f"{len(problems)} {noun} in {files} {fnoun}."
