"""YAML reading that keeps line numbers and never lets a parser error escape.

Dates stay text (the models parse them), so a bad date becomes a clear message, not a
crash inside the YAML library. Every key and list item remembers its line, so a
problem deep in a mapping is reported where the contributor has to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's when installed: much faster) without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Loc = tuple[str | int, ...]


@dataclass
class YamlDoc:
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line_of(self, loc: Loc, default: int | None = None) -> int | None:
        """The line of the deepest known part of loc."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return default


class YamlError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; lines are file lines (first_line is the text's first)."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # parsed once: the nodes give lines, then the data
        data = loader.construct_document(node) if node is not None else None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 + offset if mark else first_line
        raise YamlError(line, "YAML tags (words starting with !) are not allowed: write a plain value") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise YamlError(line, f"YAML syntax error: {what}. Check indentation, colons and quotes") from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    doc = YamlDoc(data)
    if node is not None:
        _index(node, (), doc, offset)
    return doc


def _index(node: yaml.Node, loc: Loc, doc: YamlDoc, offset: int) -> None:
    doc.lines[loc] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                doc.duplicates.append((str(key), key_node.start_mark.line + 1 + offset))
            seen.add(key)
            _index(value_node, (*loc, key), doc, offset)
            doc.lines[(*loc, key)] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), doc, offset)
