"""One shape for every problem any check finds: `path:line: message`, or the same as a GitHub
workflow command, which shows it on its line in a pull request's "Files changed"."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    #: The declared rule's id (kb.model.text_rules), which the share form reports too; "" for the others.
    rule: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


#: How `kb check --format` prints problems.
FORMATS = ("text", "github")


def as_github(problem: Problem, title: str = "kb check") -> str:
    """`::error file=…,line=…,title=…::message`, escaped as GitHub's workflow commands want:
    % and line breaks everywhere, and also : and , in the properties."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = f"file={prop(problem.path)}" + (f",line={problem.line}" if problem.line else "")
    return f"::error {where},title={prop(title)}::{data(problem.message)}"


def formatted(problem: Problem, output_format: str) -> str:
    return as_github(problem) if output_format == "github" else str(problem)


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
