"""Translation status of every page: translated, missing, outdated or orphaned.

A translation records the revision of the source it was made from (`source_revision`);
the revision is a hash of the source's title, summary and text, so a change to the
words a reader sees makes the translation outdated, and a change to dates or owners does not.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

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


def is_outdated(content: Content, page: PageFile) -> bool:
    """For the build's notice: a translation whose source has changed since it was made."""
    source = content.page(page.key, content.site.default_language)
    if page.lang == content.site.default_language or source is None or page.meta is None:
        return False
    return page.meta.source_revision != revision(source)


def record(translation: PageFile, source: PageFile) -> str:
    """Write into the translation's front matter that it matches its source as it is now;
    returns the revision. The file keeps its BOM and line endings."""
    raw = translation.path.read_bytes()
    bom, text = raw.startswith(b"\xef\xbb\xbf"), raw.decode("utf-8-sig")
    now = revision(source)
    line = f'source_revision: "{now}"'  # quoted: a revision such as 123456789012 would read as a number
    if re.search(r"^source_revision:[^\r\n]*", text, re.M):
        text = re.sub(r"^source_revision:[^\r\n]*", line, text, count=1, flags=re.M)
    else:
        text = re.sub(r"\A---(\r?\n)", lambda m: f"---{m.group(1)}{line}{m.group(1)}", text, count=1)
    translation.path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return now
