"""A page's HTML passes the allowlist (checks/allowlist.py): nothing that runs code, loads
from another site, styles the page or sends readers' input anywhere.

A page is trusted by people at risk, and reviewers read Markdown, not HTML. So the page's
Markdown is turned into HTML as the build does (with mkdocs.yml's extensions) and passed
through the same allowlist the build publishes through; whatever it would remove is a
problem at its line. Only pages that could hold such HTML are rendered: raw HTML, an
attribute list, a character reference, or a link that is not https:, mailto: or tel:.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import markdown

from kb.checks.allowlist import sanitize
from kb.checks.scope import Scope
from kb.model.code import strip_code
from kb.model.load import Content
from kb.model.method_file import PLACEHOLDER
from kb.model.problems import Problem
from kb.model.site import markdown_extensions

#: What can turn Markdown into HTML that the allowlist has an opinion about.
SUSPECT = re.compile(
    r"<|&"  # raw HTML, an autolink, a character reference
    r"|\{[^}\n]*(?:=|\.|#(?:_|kb-quick))"  # an attribute list with more than a heading's #id
    r"|\]\(\s*(?!https?://|mailto:|tel:)[^)\n]*:"  # a link or image with another scheme (a tab inside too)
    r"|^\s{0,3}\[[^\]\n]+\]:\s*(?!https?://|mailto:|tel:)\S*:"  # a reference definition, likewise
    r"|!\[[^\]\n]*\]\(\s*<?\s*(?:https?:|//)"  # an image from another site
    r"|\]\(\s*<?\s*//",  # a scheme-relative address
    re.IGNORECASE | re.MULTILINE)


@functools.cache
def _renderer(root: Path) -> markdown.Markdown:
    extensions = markdown_extensions(root)
    return markdown.Markdown(extensions=[name for name, _ in extensions],
                             extension_configs={name: options for name, options in extensions if options})


@functools.cache
def scan(root: Path, body: str) -> tuple[tuple[int, str], ...]:
    """(line within body, message) for everything the allowlist would take out of the page.
    Template placeholders are the placeholders check's to report."""
    if "<REQUIRED:" in body:
        body = PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), body)
    text = strip_code(body, fence_lines=True)
    if not SUSPECT.search(text):
        return ()
    renderer = _renderer(root)
    renderer.reset()
    removed = sanitize(renderer.convert(body)).removed
    locate = _Locator(text)
    return tuple((locate(removal), removal.message) for removal in removed)


class _Locator:
    """Finds the source line of each removal, each occurrence once: raw HTML by its tag and
    attribute as the source writes them, what Markdown made (a link, an attribute list) by
    its text, not inside a longer address."""

    def __init__(self, text: str) -> None:
        self.text, self.lowered = text, text.lower()
        self.tags = _SourceTags.of(text) if "<" in text else []
        self.used: set = set()

    def __call__(self, removal) -> int:
        for index, (line, tag, attributes) in enumerate(self.tags):
            if tag != removal.tag or (index, removal.attribute) in self.used:
                continue
            if removal.attribute is None or attributes.get(removal.attribute) == removal.value:
                self.used.add((index, removal.attribute))
                return line
        for needle in removal.needles:
            for match in re.finditer(r"(?<![\w:/])" + re.escape(needle.lower()), self.lowered) if needle else ():
                if ("text", match.start(), needle.lower()) not in self.used:
                    self.used.add(("text", match.start(), needle.lower()))
                    return self.text.count("\n", 0, match.start()) + 1
        return 1


class _SourceTags(HTMLParser):
    """(line, tag, attributes) of the raw HTML tags in a page's Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((self.getpos()[0], tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    @classmethod
    def of(cls, text: str) -> list[tuple[int, str, dict]]:
        parser = cls()
        parser.feed(text)
        parser.close()
        return parser.found


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.pages:
        for line, message in scan(content.site.root, page.body):
            yield Problem(page.rel, page.body_line + line - 1, message)
