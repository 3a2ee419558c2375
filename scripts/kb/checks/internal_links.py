"""A link to a page or a heading of this site leads somewhere, found where it is written.

The strict build stops on a link to a page or an anchor that does not exist, but names the
built HTML, not the line a contributor wrote. This check resolves each link as MkDocs and
static-i18n do (relative to the page's file; a page missing in the reader's language falls
back to the default language's) and each #anchor against the headings of the page in the
reader's language, including the anchors the build itself writes (contacts, regions, the
glossary's terms, the catalogue's focus areas, the list of sources). The built site is
still checked after every build (kb.build.link_check), generated links included.
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from kb.checks.html_safety import _renderer
from kb.checks.scope import Scope
from kb.model import urls
from kb.model.citations import source_anchor, sources_anchor
from kb.model.code import strip_code
from kb.model.load import Content, PageFile
from kb.model.problems import Problem

_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)|href=\"([^\"]+)\"", re.MULTILINE)
_ID = re.compile(r'\bid="([^"]+)"')
_CONTACT = re.compile(r"\[\[contact:([^\]\s]+)\]\]")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    others = content.site.languages[1:]
    for page in content.pages:
        if "](" not in page.body and "]:" not in page.body and "href=" not in page.body:
            continue
        text = strip_code(page.body)
        for match in _LINK.finditer(text):
            target = next(group for group in match.groups() if group)
            message = _problem(content, page, target, others)
            if message:
                yield Problem(page.rel, page.body_line + text.count("\n", 0, match.start()), message)


def _problem(content: Content, page: PageFile, target: str, others: tuple[str, ...]) -> str | None:
    if urls.scheme(target) is not None or target.startswith(("/", "\\")) or target.startswith("{"):
        return None  # another site, mailto:, tel: (their own checks), or an address the build does not resolve
    path, _, anchor = target.partition("#")
    path = path.split("?", 1)[0]
    if any(path.endswith(f".{lang}.md") for lang in others):
        return None  # markdown_links says to link the default language's file
    if not path:
        found = page
    else:
        key = posixpath.normpath(posixpath.join(posixpath.dirname(page.key), path))
        if key.startswith("../"):
            return f"the link to {target} leads out of docs/: link a page of the site by its path from this page"
        if path.endswith("/"):
            key = next((k for k in (key + "/index.md", key + ".md") if _page(content, k, page.lang)), key + "/index.md")
        elif not path.endswith(".md"):
            if (content.site.docs_dir / key).is_file():
                return None  # an image or a document in docs/
            return (f"the link to {target} leads to no file in docs/: check the path (it is read from this page's "
                    "folder)")
        found = _page(content, key, page.lang)
        if found is None:
            return (f"the link to {target} leads to no page{_did_you_mean(content, page, key)}: check the path (it is "
                    "read from this page's folder)")
    if anchor and anchor not in _anchors(content, found, page.lang):
        where = "this page" if found is page else found.rel
        close = difflib.get_close_matches(anchor, sorted(_anchors(content, found, page.lang)), n=1, cutoff=0.6)
        hint = f"did you mean #{close[0]}? " if close else ""
        return (f"the link to {target} leads to no heading #{anchor} on {where}: {hint}link an id that the page's "
                "headings have (written as {#id} after a heading)")
    return None


def _page(content: Content, key: str, lang: str) -> PageFile | None:
    """The page a reader in lang is shown for key: theirs, else the default language's."""
    return content.page(key, lang) or content.page(key, content.site.default_language)


def _did_you_mean(content: Content, page: PageFile, key: str) -> str:
    """The closest page, written as a link from this page would be."""
    close = difflib.get_close_matches(key, sorted({p.key for p in content.pages}), n=1, cutoff=0.7)
    return f" (did you mean {posixpath.relpath(close[0], posixpath.dirname(page.key) or '.')}?)" if close else ""


def _anchors(content: Content, page: PageFile, lang: str) -> frozenset[str]:
    """Every id the built page has in its content: its headings and raw HTML ids as the
    page's Markdown makes them, and those the build writes from data for this page."""
    found = set(_rendered_ids(content.site.root, page.body))
    found.update(f"kontakt-{contact_id}" for contact_id in _CONTACT.findall(page.body))
    meta = page.meta
    if meta is not None and content.taxonomy is not None:
        if meta.generated == "contacts":
            found.update({"nationellt", "regioner"})
            found.update(f"region-{region.id}" for region in content.taxonomy.regions)
            found.update(f"kontakt-{contact.id}" for contact in (content.contacts.contacts if content.contacts else []))
        if meta.generated == "methods":
            found.update(f"omrade-{area.id}" for area in content.taxonomy.focus_areas)
        if meta.type == "glossary" and content.glossary is not None:
            found.update(term.id for term in content.glossary.terms)
    if content.ui is not None and "[[source:" in page.body:
        found.add(sources_anchor(content.ui, lang))
        found.update(source_anchor(content.ui, lang, n) for n in range(1, page.body.count("[[source:") + 1))
    return frozenset(found)


@functools.cache  # by text: most pages are linked to from several others
def _rendered_ids(root: Path, body: str) -> tuple[str, ...]:
    renderer = _renderer(root)
    renderer.reset()
    return tuple(_ID.findall(renderer.convert(body)))
