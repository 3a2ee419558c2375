"""Every content check. Each is a function of the content model and a Scope yielding Problems.

`kb check` and the MkDocs build both call run(): one implementation of every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kb.checks import (
    citations,
    contact_refs,
    exercises,
    file_types,
    future_dates,
    generated_paths,
    html_safety,
    internal_links,
    markdown_links,
    overdue,
    register,
    site_structure,
    taxonomy_refs,
    terminology,
    text_rules,
    titles,
    translation_match,
    ui_texts,
    uncited,
    unclosed_brackets,
    vetting,
)
from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem

Check = Callable[[Content, Scope], Iterable[Problem]]

ALL: list[Check] = [
    unclosed_brackets.check,
    text_rules.check,
    html_safety.check,
    file_types.check,
    generated_paths.check,
    site_structure.check,
    markdown_links.check,
    internal_links.check,
    taxonomy_refs.check,
    future_dates.check,
    titles.check,
    terminology.check,
    translation_match.check,
    vetting.check,
    contact_refs.check,
    text_rules.house_terms,
    ui_texts.check,
    citations.unknown_sources,
    citations.malformed_markers,
    citations.handwritten_sources,
    citations.own_sources_heading,
    register.unique_ids,
    register.official_hosts,
    register.one_sentence,
    register.read_on_passed,
    register.cited,
    uncited.check,
    exercises.check,
    overdue.check,
]

#: The build runs every check except four that `kb check` (which gates every change) runs:
#: freshness, since a page or contact past its review date is published with a warning
#: (and the helpline) rather than blocking an urgent fix; the house terms, since a wording
#: slip must not block one either; and, for the same reason, a rule sentence that cites no
#: source and a register entry no page cites: both are published as they read, whereas a
#: citation that does not resolve (or a misspelt marker) would be published wrongly, and
#: stops the build. Links in the Markdown are checked again in the built HTML after every
#: build (kb.build.link_check), generated links included, so the build need not read them twice.
KB_CHECK_ONLY: tuple[Check, ...] = (overdue.check, terminology.check, text_rules.house_terms, uncited.check,
                                    register.cited, internal_links.check)
BUILD: list[Check] = [check for check in ALL if check not in KB_CHECK_ONLY]


def run(content: Content, scope: Scope, checks: list[Check] | None = None) -> list[Problem]:
    """Loading problems plus every check's, sorted by file and line, each once."""
    found = set(content.problems)
    for check in checks if checks is not None else ALL:
        found.update(check(content, scope))
    return sorted(found, key=lambda p: (p.path, p.line or 0, p.message))
