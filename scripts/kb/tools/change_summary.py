"""`kb check --summary FILE`: what a pull request adds or changes, as a Markdown table for the
ci workflow's job summary: each page with its language, status, translation state and the
problems `kb check` found in it, so a reviewer sees them without reading the log.
"""

from __future__ import annotations

from kb.model import translations
from kb.model.load import Content
from kb.model.problems import Problem, summary


def cell(text: str) -> str:
    """Text that stays inside one cell of a Markdown table and shows as text, not markup."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def table(content: Content, changed: frozenset[str] | None, problems: list[Problem]) -> str:
    """The job summary. `changed`: the pages the change touches (docs/… paths); None: every page."""
    states: dict[str, list[str]] = {}
    for status in translations.statuses(content):
        if status.source:  # a source page: its state in each language
            states.setdefault(status.source, []).append(f"{status.lang}: {status.state}")
        if status.translation:  # a translation: its own
            states.setdefault(status.translation, []).append(status.state)
    pages = [p for p in content.pages if changed is None or p.rel in changed]
    lines = ["## kb check", "", summary(problems), ""]
    if not pages:
        lines.append("This change adds or changes no page.")
    else:
        lines += ["| Page | Language | Status | Translation | Problems |", "| --- | --- | --- | --- | --- |"]
        for page in sorted(pages, key=lambda p: p.rel):
            found = [p for p in problems if p.path == page.rel]
            said = "<br>".join(cell(f"line {p.line}: {p.message}" if p.line else p.message) for p in found)
            status = cell(str(page.raw("status") or "–"))  # as written, also where the page has problems
            lines.append(f"| `{cell(page.rel)}` | {page.lang} | {status} | "
                         f"{cell(', '.join(states.get(page.rel, [])) or '–')} | {said or 'none'} |")
    elsewhere = len([p for p in problems if p.path not in {page.rel for page in pages}])
    if elsewhere:
        lines += ["", f"{elsewhere} more in other files: see the log."]
    return "\n".join(lines) + "\n"
