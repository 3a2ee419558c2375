"""The register of sources (data/sources.yml): the passages pages cite as [[source:ID]].

Each entry is validated on its own, so one bad entry neither hides the problems of the
others nor keeps pages that cite the good ones from being checked; the rules across
entries (unique ids, official hosts, copies) are checks (kb.checks.register).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import urls, yamlio
from kb.model.problems import Problem
from kb.model.schema import SourceEntry
from kb.model.validate import validate_at

TOP_LEVEL = ("official_hosts", "sources")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


@dataclass
class Register:
    doc: yamlio.YamlDoc
    official_hosts: tuple[str, ...] = ()
    entries: dict[str, SourceEntry] = field(default_factory=dict)  # the valid ones, by id, in file order
    positions: dict[str, int] = field(default_factory=dict)  # id -> index in the file's list
    listed: frozenset[str] = frozenset()  # every id written, valid entry or not

    def get(self, source_id: str) -> SourceEntry | None:
        return self.entries.get(source_id)

    def line(self, source_id: str, *loc: str | int) -> int | None:
        return self.doc.line_of(("sources", self.positions[source_id], *loc))

    def is_official(self, url: str) -> bool:
        """On an official host or a subdomain of one; an example address (example.org) counts
        for tests and placeholders, and `kb check --release` lists it."""
        host = urls.host(url)
        return urls.is_reserved(host) or any(host == h or host.endswith("." + h) for h in self.official_hosts)


def load_register(doc: yamlio.YamlDoc, path: str, languages: tuple[str, ...]) -> tuple[Register, list[Problem]]:
    """The register and every problem of its shape, each at its line."""
    register = Register(doc)
    problems = [Problem(path, line, f"'{key}' appears twice: keep one, or the first value is silently lost")
                for key, line in doc.duplicates]
    data = doc.data
    if not isinstance(data, dict):
        return register, [*problems, Problem(path, 1, "expected 'official_hosts:' and 'sources:' (see the comment "
                                                      "at the top of the file)")]
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(Problem(path, doc.line_of((key,)), f"unknown field '{key}': only official_hosts and "
                                                                "sources belong at the top level"))
    register.official_hosts, more = _hosts(doc, path)
    problems += more
    entries = data.get("sources")
    if entries is None:
        return register, problems  # no entry yet
    if not isinstance(entries, list):
        return register, [*problems, Problem(path, doc.line_of(("sources",)), "'sources' should be a list: start "
                                                                              "each entry with '- id:'")]
    listed = set()
    for index, raw in enumerate(entries):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            listed.add(raw["id"])
        entry, more = validate_at(SourceEntry, doc, path, ("sources", index), 1, languages)
        problems += more
        if entry is not None and entry.id not in register.entries:  # a second one is the checks' to report
            register.entries[entry.id] = entry
            register.positions[entry.id] = index
    register.listed = frozenset(listed)
    return register, problems


def _hosts(doc: yamlio.YamlDoc, path: str) -> tuple[tuple[str, ...], list[Problem]]:
    hosts = doc.data.get("official_hosts")
    at = doc.line_of(("official_hosts",), 1)
    if not isinstance(hosts, list) or not hosts:
        return (), [Problem(path, at, "'official_hosts' should be a list of host names, e.g. - riksdagen.se")]
    found, problems = [], []
    for index, host in enumerate(hosts):
        if isinstance(host, str) and _HOST.fullmatch(host):
            found.append(host)
        else:
            problems.append(Problem(path, doc.line_of(("official_hosts", index), at),
                                    f"'official_hosts.{index}' is '{host}': write a host name alone, in lower "
                                    "case, e.g. riksdagen.se (no https:// and no path)"))
    return tuple(found), problems
