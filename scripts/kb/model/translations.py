"""Translation status of every page: translated, missing, outdated or orphaned.

A translation records the revision of the source it was made from (`source_revision`);
the revision is a hash of the source's title, summary and text, so a change to the
words a reader sees makes the translation outdated, and a change to dates or owners does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from kb.model import frontmatter, yamlio
from kb.model.citations import cited_ids
from kb.model.load import Content, PageFile

STATES = ("missing", "outdated", "orphaned", "translated")


def revision(page: PageFile) -> str:
    """The content revision of a source page: 12 hex characters."""
    title = page.meta.title if page.meta else ""
    summary = page.meta.summary if page.meta else ""
    body = "\n".join(line.rstrip() for line in page.body.strip().split("\n"))
    return hashlib.sha256(f"{title}\n{summary}\n{body}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Status:
    key: str
    lang: str
    state: str
    source: str | None  # the source file, as shown in messages
    translation: str | None  # the translation file, if there is one
    source_revision: str | None  # the source's revision now
    recorded_revision: str | None  # the revision the translation was made from

    def as_dict(self) -> dict:
        return asdict(self)


def required_languages(content: Content) -> list[str]:
    return [lang for lang in content.site.languages[1:] if lang in content.site.translations_required]


def statuses(content: Content) -> list[Status]:
    default = content.site.default_language
    found: list[Status] = []
    sources = {p.key: p for p in content.pages if p.lang == default}
    for lang in content.site.languages[1:]:
        for key, source in sorted(sources.items()):
            now = revision(source)
            translation = content.page(key, lang)
            if translation is None:
                found.append(Status(key, lang, "missing", source.rel, None, now, None))
                continue
            recorded = translation.meta.source_revision if translation.meta else None
            state = "translated" if recorded == now else "outdated"
            found.append(Status(key, lang, state, source.rel, translation.rel, now, recorded))
        for page in content.pages:
            if page.lang == lang and page.key not in sources:
                found.append(Status(page.key, lang, "orphaned", None, page.rel, None,
                                    page.meta.source_revision if page.meta else None))
    return found


@dataclass(frozen=True)
class CitationDrift:
    """A translation that cites other passages than its source: each language's reader must
    be told what the same rule rests on."""

    key: str
    lang: str
    source: str
    translation: str
    only_in_source: tuple[str, ...]  # ids the source cites and the translation does not
    only_in_translation: tuple[str, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def citation_drift(content: Content) -> list[CitationDrift]:
    """Every translation whose set of cited ids differs from its source page's."""
    default = content.site.default_language
    found = []
    for page in content.pages:
        source = content.page(page.key, default) if page.lang != default else None
        if source is None:
            continue
        mine, theirs = set(cited_ids(page.body)), set(cited_ids(source.body))
        if mine != theirs:
            found.append(CitationDrift(page.key, page.lang, source.rel, page.rel, tuple(sorted(theirs - mine)),
                                       tuple(sorted(mine - theirs))))
    return sorted(found, key=lambda drift: (drift.lang, drift.key))


def is_outdated(content: Content, page: PageFile) -> bool:
    """For the build's notice: a translation whose source has changed since it was made."""
    source = content.page(page.key, content.site.default_language)
    if page.lang == content.site.default_language or source is None or page.meta is None:
        return False
    return page.meta.source_revision != revision(source)


class RecordError(Exception):
    """The revision could not be recorded; nothing was written. The message says why."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_REVISION_KEY = re.compile(r"""["']?source_revision["']?[ \t]*:""")


def record(translation: PageFile, source: PageFile) -> str:
    """Write into the translation's front matter that it matches its source as it is now;
    returns the revision. Only the front matter's source_revision line changes (or is
    added before its closing ---); the BOM, the line endings and every other byte stay.
    The new text is read back before it replaces the file, atomically, and once more after."""
    now = revision(source)
    path = translation.path
    try:
        raw = path.read_bytes()
        mode = path.stat().st_mode
    except OSError as exc:
        raise RecordError(None, f"cannot be read: {exc.strerror}") from None
    new = _with_revision(raw, now)
    before = _front_matter(raw, "as it is")
    after = _front_matter(new, "with the revision written in")
    if after.get("source_revision") != now or _without_revision(after) != _without_revision(before):
        raise RecordError(None, f"the revision could not be written into the front matter on its own: add "
                                f"the line source_revision: \"{now}\" to the front matter by hand")
    if new != raw:
        _replace(path, new, mode)
    if _front_matter(path.read_bytes(), "as written").get("source_revision") != now:
        raise RecordError(None, "reading the file back does not give the revision just written: check it, "
                                "and run `kb translations --record` again")
    return now


def _with_revision(raw: bytes, now: str) -> bytes:
    bom = _BOM if raw.startswith(_BOM) else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(raw[: exc.start].count(b"\n") + 1,
                          "is not UTF-8 text: save the file with UTF-8 encoding") from None
    parts = _LINE_BREAK.split(text)
    lines, breaks = parts[0::2], [*parts[1::2], ""]
    if lines[0].rstrip(" \t") != "---":
        raise RecordError(1, "has no front matter to record the revision in: start the file with a '---' block")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip(" \t") in ("---", "...")), None)
    if close is None or not breaks[close]:
        raise RecordError(1, "the front matter is not closed by a line with --- (followed by a line break): "
                             "fix it first (`kb check` says how)")
    line = f'source_revision: "{now}"'  # quoted: a revision such as 123456789012 would read as a number
    found = next((i for i in range(1, close) if _REVISION_KEY.match(lines[i])), None)
    if found is None:
        lines.insert(close, line)
        breaks.insert(close, breaks[0])
    else:
        lines[found] = line
        while found + 1 < close and lines[found + 1][:1] in (" ", "\t") and lines[found + 1].strip():
            del lines[found + 1], breaks[found + 1]  # the rest of a value written over several lines
            close -= 1
    return bom + "".join(part + end for part, end in zip(lines, breaks, strict=True)).encode("utf-8")


def _front_matter(raw: bytes, state: str) -> dict:
    try:
        split = frontmatter.split(frontmatter.decode(raw))
        data = yamlio.load(split.front, split.front_line).data if split.front is not None else None
    except (UnicodeDecodeError, frontmatter.FrontMatterError, yamlio.YamlError) as exc:
        line = getattr(exc, "line", None)
        raise RecordError(line, f"the front matter {state} cannot be read ({getattr(exc, 'message', exc)}): "
                                "fix it first (`kb check` says how)") from None
    if not isinstance(data, dict):
        raise RecordError(1, f"the front matter {state} is not 'key: value' lines: fix it first (`kb check` says how)")
    return data


def _without_revision(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "source_revision"}


def _replace(path: Path, data: bytes, mode: int) -> None:
    """The whole new file or none of it: written beside the old one, then swapped in."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RecordError(None, f"cannot be written: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise RecordError(None, f"cannot be written: {exc.strerror}") from None
        raise
