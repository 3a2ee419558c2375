"""YAML reading that keeps line numbers and never lets a parser error escape.

Dates stay text (the models parse them), so a bad date becomes a clear message, not a
crash inside the YAML library. Every key and list item remembers its line, so a
problem deep in a mapping is reported where the contributor has to fix it.
"""

from __future__ import annotations

import re
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
_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "timestamp": "a date",
          "null": "an empty value", "binary": "base64 data"}

#: Lists and mappings nested deeper than this are not hand-written data. Much deeper
#: nesting would crash the parser (libyaml recurses in C) or raise RecursionError.
MAX_DEPTH = 50
#: Aliases (*name) may repeat a value, but not multiply the data: a "billion laughs" of a
#: dozen lines expands to gigabytes. At most this many values beyond those written.
MAX_ALIAS_VALUES = 100_000


def load(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; lines are file lines (first_line is the text's first).
    Every failure, however the input was built, is a YamlError with a line."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        _check_nesting(text, offset)
        node = loader.get_single_node()  # parsed once: the nodes give lines, then the data
        doc = YamlDoc(None)
        if node is not None:
            if "*" in text:  # an alias is possible: measure what it expands to first
                _check_aliases(node, offset)
            doc.data = _Walk(loader, doc, offset).value(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        if "constructor for the tag" in (exc.problem or ""):
            raise YamlError(line, "YAML tags (words starting with !) are not allowed: write a plain value") from None
        raise YamlError(line, f"YAML error: {_one_line(exc.problem)}: write plain 'key: value' lines, "
                              "with text, not lists or mappings, as keys") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        what = _one_line(" ".join(x for x in (exc.context, exc.problem) if x))
        raise YamlError(line, f"YAML syntax error: {what}. Check indentation, colons and quotes") from None
    except yaml.reader.ReaderError as exc:  # libyaml counts UTF-8 bytes
        line = text.encode("utf-8", "replace")[: exc.position].count(b"\n") + 1 + offset
        raise YamlError(line, f"the character U+{exc.character:04X} is not allowed in YAML "
                              f"({exc.reason}): delete it") from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"YAML syntax error: {_one_line(str(exc))}") from None
    except RecursionError:  # a last resort: _check_nesting and _check_aliases keep well below it
        raise YamlError(first_line, f"the YAML is nested too deeply: use at most {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return doc


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_nesting(text: str, offset: int) -> None:
    """Lists and mappings at most MAX_DEPTH deep, found before libyaml's composer recurses
    into them. Nesting needs a bracket or more indentation (or '- ', '? ', ': ' at a
    line's start) per level, so most texts are cleared by counting; the rest are read as
    a stream of events, which libyaml parses without recursion."""
    brackets = text.count("[") + text.count("{")
    if brackets + 2 * _deepest_indent(text) + 2 <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(event.start_mark.line + 1 + offset,
                                f"lists and mappings are nested more than {MAX_DEPTH} levels deep here: "
                                "write the data flatter")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_INDENT = re.compile(r"^[ \t?:-]+", re.MULTILINE)


def _deepest_indent(text: str) -> int:
    return max(map(len, _INDENT.findall(text)), default=0)


def _check_aliases(root: yaml.Node, offset: int) -> None:
    """What aliases make of the nodes, measured without building anything: an alias back
    into its own list or mapping, nesting deeper than MAX_DEPTH, or more than
    MAX_ALIAS_VALUES values beyond those written. Iterative: alias chains can be long."""
    size: dict[int, int] = {}  # node id -> values it expands to, itself included
    depth: dict[int, int] = {}
    referenced: dict[int, int] = {}  # node id -> how often it is a child
    nodes: dict[int, yaml.Node] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = (1 + max((depth[id(child)] for child in children), default=0)
                          if not isinstance(node, yaml.ScalarNode) else 0)
            if depth[key] > MAX_DEPTH:
                raise YamlError(node.start_mark.line + 1 + offset,
                                f"with its aliases (*name), this is nested more than {MAX_DEPTH} levels deep: "
                                "write the values out")
            continue
        if key in open_:
            raise YamlError(node.start_mark.line + 1 + offset,
                            "a YAML alias (*name) refers to the list or mapping it is in: write the values out")
        if key in size:
            continue
        nodes[key] = node
        open_.add(key)
        stack.append((node, True))
        for child in reversed(children):
            referenced[id(child)] = referenced.get(id(child), 0) + 1
            stack.append((child, False))
    if size[id(root)] - len(size) > MAX_ALIAS_VALUES:
        worst = max((k for k, n in referenced.items() if n > 1), key=lambda k: size[k] * (referenced[k] - 1))
        raise YamlError(nodes[worst].start_mark.line + 1 + offset,
                        f"the aliases (*name) of this value repeat it so often that the data would hold more than "
                        f"{MAX_ALIAS_VALUES:,} values: write the values out instead")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
            return node.value if node.tag == _STR else self.construct(node)
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
        data = self.construct(node)  # a tag, a merge key or a complex key
        self.index(node, loc)
        return data

    def construct(self, node: yaml.Node) -> Any:
        """PyYAML's value for a node it knows: a number, true/false, or a tagged value.
        A tag such as !!int on a value that is no number fails inside PyYAML."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, KeyError, OverflowError):
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            shown = f"'{value[:40]}…'" if len(value) > 40 else f"'{value}'"
            kind = _KINDS.get(node.tag.rsplit(":", 1)[-1], f"the type {node.tag}")
            raise YamlError(self.line(node), f"{shown} cannot be read as {kind}: correct it, or put it "
                                             "in quotes if it is text") from None

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
