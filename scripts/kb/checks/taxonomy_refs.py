"""Pages may only refer to taxonomy ids that exist; the message lists the valid ones.

Works on the front matter as written, so an unknown id is reported even on a page that
has other problems too.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem, rel
from kb.model.schema import TAXONOMY_FIELDS


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    taxonomy = content.taxonomy
    if taxonomy is None:
        return
    yield from _taxonomy_consistent(content)
    valid = {kind: taxonomy.ids(kind) for kind in TAXONOMY_FIELDS.values()}
    known = {kind: set(ids) for kind, ids in valid.items()}
    for page in content.pages:
        for key, kind in TAXONOMY_FIELDS.items():
            value = page.raw(key)
            items = value if isinstance(value, list) else [value]
            for index, term in enumerate(items):
                if isinstance(term, str) and "<REQUIRED:" not in term and term not in known[kind]:
                    loc = (key, index) if isinstance(value, list) else (key,)
                    yield Problem(page.rel, page.line_of(*loc),
                                  f"unknown {key} id '{term}': use one of {', '.join(valid[kind])}")


def _taxonomy_consistent(content: Content) -> Iterator[Problem]:
    """Ids are unique in each list, a county is in one region, focus areas are numbered 1..n."""
    taxonomy, doc = content.taxonomy, content.taxonomy_doc
    path = rel(content.site.data_dir / "taxonomy.yml", content.site.root)
    located: dict[str, list[tuple[str, tuple]]] = {
        kind: [(term.id, (kind, i, "id")) for i, term in enumerate(getattr(taxonomy, kind))]
        for kind in ("focus_areas", "target_groups", "exploitation_forms", "actors", "regions")
    }
    located["counties"] = [
        (county.id, ("regions", r, "counties", c, "id"))
        for r, region in enumerate(taxonomy.regions)
        for c, county in enumerate(region.counties)
    ]
    for kind, entries in located.items():
        first: dict[str, tuple] = {}
        for term, loc in entries:
            if term in first:
                yield Problem(path, doc.line_of(loc),
                              f"the {kind} id '{term}' is already used on line {doc.line_of(first[term])}: "
                              "ids must be unique")
            else:
                first[term] = loc
    numbers = sorted(f.number for f in taxonomy.focus_areas)
    if numbers != list(range(1, len(numbers) + 1)):
        yield Problem(path, doc.line_of(("focus_areas",)),
                      f"focus areas are numbered {numbers}: number them 1 to {len(numbers)}, each once")
