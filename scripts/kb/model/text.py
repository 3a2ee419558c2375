"""Text from data/ and front matter: one line of plain text, or text with links parsed into parts.

A title, label, term, name or ui text reaches pages as text the build escapes into HTML it
writes itself, never as Markdown for the page's renderer to interpret: in Markdown a line
break starts a box or a list and `](` starts a link. So these texts are refused at their
line when they hold a line break, a control character (or a reference to one), HTML or
Markdown markup, and the build escapes them anyway (a build with the checks skipped shows
an attack as harmless text). Where a link is a feature (a contact's note, a glossary
definition), the text is parsed here into (words, address) parts, the address checked, and
the HTML made from the parts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kb.model import urls

#: Every character a browser, YAML or Markdown may take as the end of a line.
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_REFERENCE = re.compile(r"&#(x[0-9a-f]+|[0-9]+);?", re.IGNORECASE)
_ATTRIBUTES = re.compile(r"\{\s*:|\{\s*[#.][\w-]")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(\s*<?([^()<>\s]+)>?\s*\)")
_MARKDOWN_LINK = re.compile(r"\]\s*\(|!\[|^\s*\[[^\]]*\]\s*:")
#: Markup a one-line text may not hold, as one pattern that the share form's script runs too.
MARKUP_PATTERN = f"{_MARKDOWN_LINK.pattern}|{_ATTRIBUTES.pattern}"
_URL_IN_WORDS = re.compile(r"://|\bwww\.|\b(?:mailto|tel|javascript|data):", re.IGNORECASE)
#: What an e-mail address on the site may hold: letters, digits and . _ - + before the @,
#: and a plain host name after it. Characters legal in a local part such as ? & = % would
#: let the address add recipients to the mailto: link it becomes.
EMAIL = re.compile(r"^[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                   r"[A-Za-z0-9])?)+$")
_TEL = re.compile(r"^tel:\+?[0-9]{2,15}$")


def _control_reference(number: str) -> bool:
    code = int(number[1:], 16) if number[:1] in "xX" else int(number)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF


def one_line(value: str) -> str:
    """A single line without invisible control characters, typed or written as a reference."""
    if any(char in value for char in LINE_BREAKS):
        raise ValueError("is one line of text: remove the line break (in a title, label or name a line break "
                         "can start a box or a list on the page)")
    control = _CONTROL.search(value)
    if control:
        raise ValueError(f"holds the invisible control character U+{ord(control.group(0)):04X}: remove it (type the "
                         "text again if you pasted it)")
    for match in _REFERENCE.finditer(value):
        if _control_reference(match.group(1)):
            raise ValueError(f"holds '{match.group(0)}', a reference to an invisible control character: remove it")
    return value


def plain(value: str) -> str:
    """One line of plain text: no HTML, no Markdown link or image, no attribute list."""
    one_line(value)
    if "<" in value or ">" in value:
        raise ValueError("is plain text: remove '<' and '>' (HTML is not allowed here; write 'under 18', "
                         "not '< 18')")
    if _MARKDOWN_LINK.search(value):
        raise ValueError("is plain text: a Markdown link or image is not allowed here; write the words only (a link "
                         "belongs in the page's text)")
    if _ATTRIBUTES.search(value):
        raise ValueError("is plain text: '{: …}', '{#…}' and '{.…}' would add attributes to the page: remove them")
    return value


def label(value: str) -> str:
    """A name shown as a choice or a heading (a county, a region): plain text and no address,
    since a picker does not show where a choice leads."""
    plain(value)
    if _URL_IN_WORDS.search(value):
        raise ValueError("is a name: remove the web address (a label carries no link)")
    return value


@dataclass(frozen=True)
class Part:
    words: str
    href: str | None = None  # None: plain words


def link_problem(href: str) -> str | None:
    """Why an address may not be linked from a data text, or None."""
    cleaned = urls.as_browser_reads(href)
    found = urls.scheme(cleaned)
    if found == "https" and re.match(r"^https://[^/\s?#@]+(?:[/?#]\S*)?$", cleaned, re.IGNORECASE):
        return None
    if found == "mailto" and EMAIL.match(cleaned[len("mailto:"):]):
        return None
    if found == "tel" and _TEL.match(cleaned):
        return None
    return (f"links to '{href}', which is not an allowed address: use a full https:// address, mailto: with a plain "
            "e-mail address, or tel: with digits only")


def parts(value: str) -> list[Part]:
    """The text as words and links: `[words](address)` becomes a linked part."""
    found, start = [], 0
    for match in _LINK.finditer(value):
        if match.start() > start:
            found.append(Part(value[start:match.start()]))
        found.append(Part(match.group(1), match.group(2)))
        start = match.end()
    if start < len(value):
        found.append(Part(value[start:]))
    return found


def linked(value: str) -> str:
    """One line of text whose only markup is [words](address) links to allowed addresses."""
    one_line(value)
    rest = "".join(part.words if part.href is None else "" for part in parts(value))
    for part in parts(value):
        if part.href is not None:
            problem = link_problem(part.href)
            if problem:
                raise ValueError(problem)
            plain(part.words)
    plain(rest)
    return value


def as_html(value: str) -> str:
    """The text as HTML the build writes: every character escaped, links from their parts."""
    out = []
    for part in parts(value):
        words = html.escape(re.sub(r"\s+", " ", _CONTROL.sub("", part.words)))
        if part.href is None or link_problem(part.href):
            out.append(words if part.href is None else html.escape(f"[{part.words}]({part.href})"))
        else:
            out.append(f'<a href="{html.escape(urls.as_browser_reads(part.href))}">{words}</a>')
    return "".join(out)


def collapse(value: str) -> str:
    """Every run of white space and line breaks as one space, invisible control characters
    dropped: a text stays on its line (and a feed stays well-formed XML)."""
    return " ".join(_CONTROL.sub("", value).split())


#: What Markdown (and its extensions on this site) may read as markup, written as
#: character references, which it passes through as the characters themselves.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+!|~^=:@$&\"]")


def markdown_text(value: str) -> str:
    """Text the build must place in Markdown (a heading's words, a link's words): on one
    line, with every character Markdown could read as markup written as a reference."""
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", collapse(value))
