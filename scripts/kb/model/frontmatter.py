"""Split a Markdown file into its YAML front matter and body, keeping file line numbers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Split:
    front: str | None  # None when the file has no front matter
    front_line: int  # file line of the front matter's first line
    body: str
    body_line: int  # file line of the body's first line


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM allowed), CRLF or CR line endings turned into LF."""
    text = raw.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> Split:
    """Front matter as MkDocs reads it: '---' on the first line and '---' or '...' on a
    later one, each at the line's start and followed by nothing but spaces or tabs. Where
    MkDocs would see no front matter (it would show the block as text), this says so."""
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != "---":
        if lines[0].strip() == "---":
            raise FrontMatterError(1, "the front matter's opening '---' must start the line and be followed by "
                                      "nothing but spaces: remove what stands before or after it")
        return Split(None, 1, text, 1)
    for i in range(1, len(lines)):
        if lines[i].rstrip(" \t") in ("---", "..."):
            if i == len(lines) - 1:
                raise FrontMatterError(i + 1, "the front matter's closing '---' is the file's last line without a "
                                              "line break after it, so the build would show the block as text: "
                                              "press Enter at its end")
            return Split("\n".join(lines[1:i]), 2, "\n".join(lines[i + 1 :]), i + 2)
    raise FrontMatterError(1, "the front matter that starts here is never closed: add a line with --- after it")


def bad_utf8_line(raw: bytes, exc: UnicodeDecodeError) -> int:
    return raw[: exc.start].count(b"\n") + 1
