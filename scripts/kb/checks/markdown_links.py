"""Links in the Markdown itself: no link to another language's file (http:// links: kb.model.text_rules).

A Swedish page that links to page.en.md sends Swedish readers to English; linking to
page.md lets the build pick the reader's language. The built HTML is checked again
after every build (kb.build.link_check), generated pages included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.code import strip_code
from kb.model.load import Content
from kb.model.problems import Problem

LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)|href=\"([^\"]+)\"")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    others = content.site.languages[1:]
    suspects = tuple(f".{lang}.md" for lang in others)
    for page in content.pages:
        if not any(suspect in page.body for suspect in suspects):
            continue  # most pages: a few substring searches instead of stripping code and a regex
        text = strip_code(page.body)
        for match in LINK_TARGET.finditer(text):
            target = match.group(1) or match.group(2)
            path = target.split("#", 1)[0]
            lang = next((x for x in others if path.endswith(f".{x}.md")), None)
            if lang:
                source = path[: -len(f".{lang}.md")] + ".md"
                message = (f"link to the {lang} file {path}: link to {source} instead; "
                           "the build picks the reader's language")
            else:
                continue
            yield Problem(page.rel, page.body_line + text.count("\n", 0, match.start()), message)
