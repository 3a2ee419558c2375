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


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


def load(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; lines are file lines (first_line is the text's first)."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # parsed once: the nodes give lines, then the data
        doc = YamlDoc(None)
        if node is not None:
            doc.data = _Walk(loader, doc, offset).value(node, ())
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
    return doc


class _Walk:
    """Data and line numbers in one pass over the nodes. Plain text, lists and mappings
    (nearly all front matter) are built here, faster than PyYAML's general constructor;
    anything else (numbers, tags, merge keys) is left to it."""

    def __init__(self, loader: yaml.SafeLoader, doc: YamlDoc, offset: int) -> None:
        self.loader, self.doc, self.offset = loader, doc, offset
        self.open: set[int] = set()  # the collections being walked: an alias back to one is a cycle

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def enter(self, node: yaml.Node) -> None:
        if id(node) in self.open:
            raise YamlError(self.line(node),
                            "a YAML alias (*name) refers to the list or mapping it is in: write the values out")
        self.open.add(id(node))

    def value(self, node: yaml.Node, loc: Loc) -> Any:
        self.doc.lines[loc] = self.line(node)
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.loader.construct_object(node)
        self.enter(node)
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [self.value(item, (*loc, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP and all(
                    isinstance(k, yaml.ScalarNode) and k.tag != _MERGE for k, _ in node.value):
                data: dict = {}
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    name = key_node.value
                    if name in seen:
                        self.doc.duplicates.append((str(name), self.line(key_node)))
                    seen.add(name)
                    key = name if key_node.tag == _STR else self.loader.construct_object(key_node)
                    data[key] = self.value(value_node, (*loc, name))
                    self.doc.lines[(*loc, name)] = self.line(key_node)
                return data
        finally:
            self.open.discard(id(node))
        data = self.loader.construct_object(node, deep=True)  # a tag, a merge key or a complex key
        self.index(node, loc)
        return data

    def index(self, node: yaml.Node, loc: Loc) -> None:
        """Lines only, for what PyYAML's constructor built."""
        self.doc.lines[loc] = self.line(node)
        if isinstance(node, yaml.ScalarNode):
            return
        self.enter(node)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    self.index(value_node, (*loc, key_node.value))
                    self.doc.lines[(*loc, key_node.value)] = self.line(key_node)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.index(item, (*loc, i))
        self.open.discard(id(node))
