"""The register of sources holds together: one entry per id, each passage on an official
host (a copy elsewhere only as a secondary entry of an official one), `says` one sentence,
read on a day that has been, and every entry cited by some page.

Each rule is reported at its line in data/sources.yml. The build runs all but the last:
an entry no page cites shows nowhere, so it need not stop an urgent fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import urls
from kb.model.citations import cited_ids, data_texts
from kb.model.load import Content
from kb.model.normative import sentences
from kb.model.problems import Problem

PATH = "data/sources.yml"


def unique_ids(content: Content, scope: Scope) -> Iterator[Problem]:
    register = content.sources
    raw = register.doc.data.get("sources") if register and isinstance(register.doc.data, dict) else None
    first: dict[str, int] = {}
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        source_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(source_id, str):
            continue
        line = register.doc.line_of(("sources", index, "id"))
        if source_id in first:
            yield Problem(PATH, line, f"the id '{source_id}' is already used on line {first[source_id]}: give each "
                                      "passage an id of its own (pages cite one entry per id)")
        else:
            first[source_id] = line


def official_hosts(content: Content, scope: Scope) -> Iterator[Problem]:
    """The official text, or a copy named as one: secondary_of an official entry."""
    register = content.sources
    if register is None:
        return
    for source_id, entry in register.entries.items():
        official = register.is_official(entry.url)
        host = urls.host(entry.url)
        if entry.secondary_of is None:
            if not official:
                yield Problem(PATH, register.line(source_id, "url"),
                              f"'{source_id}' links {host}, which is not an official host: link the passage where "
                              "its issuer publishes it (a host in official_hosts at the top of the file), or, for "
                              "a copy, add secondary_of: <the id of the entry with the official text>")
            continue
        target = register.get(entry.secondary_of)
        where = register.line(source_id, "secondary_of")
        if target is None and entry.secondary_of not in register.listed:
            close = difflib.get_close_matches(entry.secondary_of, list(register.entries), n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            yield Problem(PATH, where, f"secondary_of '{entry.secondary_of}' is no entry of the register: name the "
                                       f"entry with the official text{hint}")
        elif target is not None and (target.secondary_of is not None or not register.is_official(target.url)):
            yield Problem(PATH, where, f"secondary_of '{entry.secondary_of}' is itself no official text: name the "
                                       "entry whose url is on an official host")


def one_sentence(content: Content, scope: Scope) -> Iterator[Problem]:
    """`says` is one sentence in each language, as pages' sentences are told apart."""
    register = content.sources
    if register is None:
        return
    for source_id, entry in register.entries.items():
        for lang, text in (entry.says.model_extra or {}).items():
            count = len(list(sentences(text)))
            if count > 1:
                yield Problem(PATH, register.line(source_id, "says", lang),
                              f"'says' ({lang}) of '{source_id}' has {count} sentences: say in one sentence, in our "
                              "own words, what the passage says")
            elif not text.rstrip().endswith((".", "!", "?")):
                yield Problem(PATH, register.line(source_id, "says", lang),
                              f"'says' ({lang}) of '{source_id}' does not end with a full stop: write it as one "
                              "whole sentence")


def read_on_passed(content: Content, scope: Scope) -> Iterator[Problem]:
    register = content.sources
    if register is None:
        return
    for source_id, entry in register.entries.items():
        if entry.read_on is not None and entry.read_on > scope.today:
            yield Problem(PATH, register.line(source_id, "read_on"),
                          f"'read_on' of '{source_id}' is {entry.read_on.isoformat()}, in the future: use the date "
                          "a person really read the passage")


def cited(content: Content, scope: Scope) -> Iterator[Problem]:
    """An entry no page cites (directly, or as the copy of a cited passage, or as the official
    passage of a cited copy): the register holds what the site rests on, nothing else."""
    register = content.sources
    if register is None or not register.entries:
        return
    used = {source_id for page in content.pages for source_id in cited_ids(page.body)}
    used |= {source_id for text in data_texts(content) for source_id in cited_ids(text.text)}
    # A cited copy keeps its official passage, and a copy is where a person read an official
    # passage: it counts as cited with that passage.
    used |= {entry.secondary_of for source_id, entry in register.entries.items()
             if entry.secondary_of and source_id in used}
    used |= {source_id for source_id, entry in register.entries.items() if entry.secondary_of in used}
    for source_id in register.entries:
        if source_id not in used:
            yield Problem(PATH, register.line(source_id, "id"),
                          f"no page cites '{source_id}': cite it as [[source:{source_id}]] after the sentence that "
                          "rests on it, or remove the entry")
