"""`kb sources --review`: each cited sentence of a page beside the passages it cites (the
exact locator, the link, what the register says the passage says), so a reviewer can check
the sentence against its source without opening the register. As text, or as standalone
HTML pages (no script, nothing fetched) that CI uploads for reviewers.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kb import checks
from kb.checks import citations, uncited
from kb.checks.scope import Scope
from kb.model.load import Content, PageFile
from kb.model.normative import sentences
from kb.model.problems import Problem
from kb.model.schema import SourceEntry

#: The checks whose problems make a page's review fail: its citations and its uncited rules.
CITATION_CHECKS = [citations.unknown_sources, citations.malformed_markers, uncited.check]


@dataclass(frozen=True)
class Cited:
    line: int
    text: str  # the sentence as a reader reads it
    advice: bool  # marked as the editors' own advice
    sources: tuple[tuple[str, SourceEntry | None], ...]  # (id, entry or None when unknown)


@dataclass(frozen=True)
class Review:
    page: PageFile
    cited: tuple[Cited, ...]
    problems: tuple[Problem, ...]


class UnknownPage(Exception):
    """The page asked for is not one of the site's; the message names the closest."""


def find_page(content: Content, name: str, cwd: Path) -> PageFile:
    """A page by its path as shown (docs/ansvar/barn.md), below docs/ (ansvar/barn.md), or as a file."""
    wanted = name.replace("\\", "/").removeprefix("./")
    for page in content.pages:
        if wanted in (page.rel, page.rel.split("/", 1)[-1]) or _same_file(cwd / name, page.path):
            return page
    close = difflib.get_close_matches(wanted, [p.rel for p in content.pages], n=3, cutoff=0.5)
    hint = f": did you mean {' or '.join(close)}?" if close else ": give a page's path, e.g. docs/ansvar/barn.md"
    raise UnknownPage(f"{name} is no page of the site{hint}")


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.resolve() == other.resolve()
    except OSError:
        return False


def review(content: Content, page: PageFile, today: date) -> Review:
    register = content.sources
    found = []
    for sentence in sentences(page.body, page.body_line):
        ids = tuple(dict.fromkeys(sentence.citations))
        if not ids and not sentence.is_advice:
            continue
        entries = tuple((source_id, register.get(source_id) if register else None) for source_id in ids)
        found.append(Cited(sentence.line, " ".join(sentence.words.split()), sentence.is_advice, entries))
    problems = [p for p in checks.run(content, Scope(today), CITATION_CHECKS) if p.path == page.rel]
    if register is None:
        problems += [p for p in content.problems if p.path.endswith("sources.yml")]
    return Review(page, tuple(found), tuple(sorted(set(problems), key=lambda p: (p.path, p.line or 0))))


def pages_to_review(content: Content) -> list[PageFile]:
    """The pages in scope of data/normative.yml, and any other page that cites a passage."""
    rules = content.normative
    return [page for page in content.valid_pages()
            if (rules and rules.applies_to(page.key, page.meta.type)) or "[[source:" in page.body]


# --- as text -----------------------------------------------------------------------------


def as_text(item: Review) -> str:
    page, lang = item.page, item.page.lang
    cited = sum(1 for c in item.cited if c.sources)
    advice = sum(1 for c in item.cited if c.advice)
    out = [f"{page.rel}: {cited} cited sentence{'s' if cited != 1 else ''}, {advice} marked as the editors' advice"]
    for entry in item.cited:
        out += ["", f"{page.rel}:{entry.line}: {entry.text}"]
        if entry.advice:
            out.append("    [advice] the editors' own advice: rests on no source")
        for source_id, source in entry.sources:
            if source is None:
                out.append(f"    [{source_id}] not in data/sources.yml")
                continue
            out += [f"    [{source_id}] {source.issuer}, {source.title.get(lang)} ({source.document}), "
                    f"{source.locator.get(lang)}",
                    f"        {source.url}",
                    f"        says: {source.says.get(lang)}",
                    f"        {_read(source)}"]
    if item.problems:
        out += ["", *map(str, item.problems)]
    return "\n".join(out) + "\n"


def _read(source: SourceEntry) -> str:
    read = f"read on {source.read_on.isoformat()}" if source.read_on else "not read"
    return read if source.confirmed else f"{read}; NOT CONFIRMED: the passage itself could not be read"


# --- as HTML -----------------------------------------------------------------------------

_STYLE = """body{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}
a{color:#1a4a9c}blockquote{margin:0.5rem 0;padding:0.3rem 0.8rem;border-left:0.3rem solid #3f51b5;background:#f3f4fa}
dl{margin:0.3rem 0 1.2rem}dt{font-weight:700;margin-top:0.5rem}dd{margin:0 0 0 1.5rem;overflow-wrap:anywhere}
.problem{color:#8b0000}.unconfirmed{color:#5c3300;font-weight:700}table{border-collapse:collapse}
th,td{border:1px solid #8a8fa3;padding:0.2rem 0.5rem;text-align:left}"""


def _document(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def as_html(item: Review) -> str:
    e, page, lang = html.escape, item.page, item.page.lang
    title = page.meta.title if page.meta else page.rel
    parts = [f'<h1>Sources of <span lang="{e(lang)}">{e(title)}</span></h1>',
             f"<p>{e(page.rel)}: what each cited sentence rests on, for a reviewer to compare.</p>"]
    if item.problems:
        parts += ["<h2>Problems</h2>", "<ul>", *(f'<li class="problem">{e(str(p))}</li>' for p in item.problems),
                  "</ul>"]
    for entry in item.cited:
        parts += [f"<h2>Line {entry.line}</h2>", f'<blockquote lang="{e(lang)}">{e(entry.text)}</blockquote>', "<dl>"]
        if entry.advice:
            parts += ["<dt>Advice</dt>", "<dd>The editors' own advice: it rests on no source.</dd>"]
        for source_id, source in entry.sources:
            parts.append(f"<dt>{e(source_id)}</dt>")
            if source is None:
                parts.append('<dd class="problem">Not in data/sources.yml.</dd>')
                continue
            unconfirmed = "" if source.confirmed else '<dd class="unconfirmed">Not confirmed: the passage itself ' \
                                                      "could not be read.</dd>"
            parts += [f'<dd lang="{e(lang)}">{e(source.issuer)}, <em>{e(source.title.get(lang))}</em> '
                      f"({e(source.document)}), {e(source.locator.get(lang))}</dd>",
                      f'<dd><a href="{e(source.url)}" rel="noopener noreferrer">{e(source.url)}</a></dd>',
                      f'<dd>Says: <span lang="{e(lang)}">{e(source.says.get(lang))}</span></dd>',
                      f"<dd>{'Read on ' + source.read_on.isoformat() if source.read_on else 'Not read'}.</dd>",
                      unconfirmed]
        parts.append("</dl>")
    if not item.cited:
        parts.append("<p>No sentence of this page cites a source or is marked as advice.</p>")
    return _document(f"Sources of {title}", "\n".join(part for part in parts if part))


def html_name(page: PageFile) -> str:
    """Where a page's review goes in the folder: its path below docs/, .html for .md."""
    return page.rel.split("/", 1)[-1].removesuffix(".md") + ".html"


def index_html(reviews: list[Review]) -> str:
    e = html.escape
    rows = []
    for item in reviews:
        cited = sum(1 for c in item.cited if c.sources)
        advice = sum(1 for c in item.cited if c.advice)
        title = item.page.meta.title if item.page.meta else item.page.rel
        rows.append(f'<tr><td><a href="{e(html_name(item.page))}" lang="{e(item.page.lang)}">{e(title)}</a></td>'
                    f"<td>{e(item.page.rel)}</td><td>{cited}</td><td>{advice}</td><td>{len(item.problems)}</td></tr>")
    table = ("<table>\n<caption>Pages whose rules must cite, and pages that cite</caption>\n"
             "<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">File</th><th scope=\"col\">Cited sentences</th>"
             "<th scope=\"col\">Marked as advice</th><th scope=\"col\">Problems</th></tr></thead>\n<tbody>\n"
             + "\n".join(rows) + "\n</tbody>\n</table>")
    return _document("Sources review", f"<h1>Sources review</h1>\n{table}")


def write_all(content: Content, folder: Path, today: date) -> list[Review]:
    """One page per page to review, and an index; returns the reviews."""
    reviews = [review(content, page, today) for page in pages_to_review(content)]
    for item in reviews:
        target = folder / html_name(item.page)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(as_html(item), encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(index_html(reviews), encoding="utf-8")
    return reviews
