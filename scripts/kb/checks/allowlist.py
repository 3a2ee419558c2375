"""What a page's HTML may hold: an allowlist of tags, attributes, classes and addresses.

Contributed pages are untrusted: whatever a page's Markdown turns into passes this list,
in `kb check` (html_safety) and again in the build, which publishes only what passed.
The sanitizer is nh3 (Ammonia), which parses HTML as browsers do. To be sure nothing is
dropped silently, the HTML is compared, token by token, with what the sanitizer kept: equal
means the page is published exactly as written; anything else is a Removal, a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from pygments.token import STANDARD_TYPES

from kb.model.urls import LINK_SCHEMES, same_site

#: Tags a page may use: what Markdown, its extensions and the build's own cards and
#: listings write. Nothing that runs, embeds, styles, submits or points the page elsewhere.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins",
    "kbd", "label", "li", "mark", "ol", "option", "p", "pre", "s", "select", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}

#: Attributes, on every tag ("*") or on one. `class` is ruled by CLASSES.
ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir", "hidden"},
    "a": {"href", "hreflang", "aria-label"},  # aria-label: a citation's number named "Källa 2"
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "details": {"open"},
    "input": {"disabled", "checked"},
    "div": {"data-review-by", "data-count", "data-total"},
    "select": {"data-filter"},
    "option": {"value"},
}

#: Attributes allowed with these values only.
VALUES = {"input": {"type": {"checkbox"}}, "p": {"role": {"status"}, "aria-live": {"polite"}},
          "td": {"align": {"left", "center", "right"}}, "th": {"align": {"left", "center", "right"}}}

#: Addresses a link may lead to; a page of this site is always allowed (a relative address).
SCHEMES = set(LINK_SCHEMES)  # http:// is reported by markdown_links (use https://), not dropped

#: Classes the site's styles give a meaning: admonitions, footnotes, task lists, headings'
#: permalinks, code blocks and their highlighting, and the build's own. Another class could
#: borrow the theme's layout, for example to cover the quick exit.
CLASSES = {
    "admonition", "admonition-title", "note", "abstract", "info", "tip", "success", "question", "warning",
    "failure", "danger", "bug", "example", "quote", "footnote", "footnote-ref", "footnote-backref", "headerlink",
    "task-list", "task-list-item", "highlight", "highlighttable", "linenos",
    "kb-check", "kb-cite", "kb-contact", "kb-contact__name", "kb-facts", "kb-fallback", "kb-filter-count", "kb-filters",
    "kb-counties", "kb-county-go", "kb-methods", "kb-notice", "kb-outdated", "kb-overdue", "kb-sources", "kb-statute",
    "kb-tasks", "kb-unverified", "kb-verified",
    *(name for name in STANDARD_TYPES.values() if name),  # Pygments' token classes in code blocks
}

#: Ids the theme and the quick exit own: a page must not take them (scripts look them up).
RESERVED_ID = re.compile(r"__|kb-quick-exit")

#: What nh3 removes with its content, not only the tag: nothing of it reaches the page.
REMOVED_WITH_CONTENT = {"script", "style", "template", "noscript", "textarea", "title", "xmp", "iframe", "noembed",
                        "noframes", "plaintext", "math", "svg"}


def _filter(tag: str, attribute: str, value: str) -> str | None:
    """Per-attribute rules nh3's lists cannot say; None removes the attribute. A Python
    call per attribute is slow, so only pages that have an image or an id that looks
    reserved (see _needs_filter) are cleaned with it."""
    if attribute == "id" and RESERVED_ID.match(value):
        return None
    if tag == "img" and attribute == "src" and not same_site(value):
        return None  # an image from another site tells it who reads this page
    return value


def _cleaner(**extra) -> nh3.Cleaner:
    return nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, tag_attribute_values=VALUES, url_schemes=SCHEMES,
                       allowed_classes={tag: CLASSES for tag in TAGS},
                       link_rel=None, strip_comments=False, clean_content_tags=REMOVED_WITH_CONTENT, **extra)


_CLEANER = _cleaner()
_FILTERING_CLEANER = _cleaner(attribute_filter=_filter)
_NEEDS_FILTER = re.compile(r"<img|id\s*=[\s\"']*(?:__|kb-quick-exit)", re.IGNORECASE)


def _canonical(page_html: str) -> str:
    """Markdown's spelling of what nh3 writes otherwise, and parses the same: void tags
    closed with />, the pilcrow of headings' permalinks, boolean attributes."""
    page_html = _SELF_CLOSING.sub(">", page_html).replace("&para;", "\u00b6")
    return page_html.replace(" disabled>", ' disabled="">').replace(" disabled ", ' disabled="" ')


_SELF_CLOSING = re.compile(r"(?<!\s)\s*/>")  # from the run's start only: no backtracking over spaces


@dataclass(frozen=True)
class Removal:
    """Something the allowlist takes out of a page: the tag (and attribute and value) it
    was on, and texts to find it by in the source, the most telling first."""

    message: str
    needles: tuple[str, ...]
    tag: str = ""
    attribute: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Sanitized:
    html: str  # the page's HTML as written when nothing was removed, else what the allowlist kept
    removed: tuple[Removal, ...]


class _Tokens(HTMLParser):
    """Start tags with their attributes, end tags, comments and text, as a comparable list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(sorted((name, value or "") for name, value in attrs))))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_comment(self, data):
        self.tokens.append(("comment", data))

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text:
            return
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", f"{self.tokens[-1][1]} {text}")
        else:
            self.tokens.append(("text", text))

    def unknown_decl(self, data):
        self.tokens.append(("declaration", data))

    handle_decl = handle_pi = unknown_decl


def tokens(page_html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(page_html)
    parser.close()
    return parser.tokens


def sanitize(page_html: str) -> Sanitized:
    """The page's HTML through the allowlist: unchanged when everything in it is allowed.

    nh3 parses as browsers do and writes what it keeps in one canonical spelling. If that
    equals the page (spelled canonically), the browser reads exactly what was allowed: the
    page is published as written. Otherwise the two are compared token by token, and any
    difference is something removed, or markup the browser reads otherwise than it looks."""
    cleaner = _FILTERING_CLEANER if _NEEDS_FILTER.search(page_html) else _CLEANER
    cleaned = cleaner.clean(page_html)
    if cleaned == _canonical(page_html):
        return Sanitized(page_html, ())
    before, after = tokens(page_html), tokens(cleaned)
    if before == after:
        return Sanitized(page_html, ())
    return Sanitized(cleaned, tuple(_removals(before, after)))


def _removals(before: list[tuple], after: list[tuple]) -> list[Removal]:
    """What the allowlist took out, as messages that say what to do, in page order. What
    sits inside an element removed with its content is that element's problem alone."""
    kept_tags = {t[1] for t in after if t[0] == "start"}
    kept_attributes = {(t[1], a) for t in after if t[0] == "start" for a in t[2]}
    found: list[Removal] = []
    inside: list[str] = []  # open elements that are removed with their content
    for token in before:
        if token[0] == "end" and inside and token[1] == inside[-1]:
            inside.pop()
        if token[0] == "comment" and not inside and _ends_early(token[1]):
            found.append(Removal("this HTML comment is ended early by browsers, so what follows it in the comment "
                                 "is read as HTML: remove the comment", (f"<!--{token[1][:12]}",)))
        if token[0] != "start" or inside:
            if token[0] == "start" and token[1] in REMOVED_WITH_CONTENT:
                inside.append(token[1])
            continue
        tag, attributes = token[1], token[2]
        if tag in REMOVED_WITH_CONTENT:
            inside.append(tag)
        if tag not in TAGS or tag not in kept_tags:
            found.append(Removal(f"<{tag}> is not allowed in pages: remove it (write it in Markdown, or ask a "
                                 "maintainer if you need to embed something)", (f"<{tag}",), tag))
            continue
        for name, value in attributes:
            if (tag, (name, value)) not in kept_attributes:
                found.append(_attribute_removal(tag, name, value))
    if not found:
        pairs = zip(before, after, strict=False)
        first = next((b for b, a in pairs if b != a), before[len(after)] if len(before) > len(after) else ())
        found.append(Removal("this markup is read differently by browsers than it looks (for example an HTML "
                             f"comment or a tag left open, near {_shown(first)}): write it in plain Markdown",
                             (_needle(first),)))
    return found


def _ends_early(comment: str) -> bool:
    """<!--> and <!---> end at once in a browser; --!> ends a comment too; markup inside a
    comment is the usual way to hide that."""
    return comment.startswith((">", "->")) or "--!>" in comment or "<" in comment or ">" in comment


def _attribute_removal(tag: str, name: str, value: str) -> Removal:
    where = {"tag": tag, "attribute": name, "value": value}
    if name.startswith("on"):
        return Removal(f"the event-handler attribute '{name}' on <{tag}> runs code: remove it", (name,), **where)
    if name in ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"):
        if tag == "img" and name == "src" and not same_site(value):
            return Removal(f"the image {_clip(value)} is on another site, which would learn who reads this page: "
                           "put the image in docs/ and link it with a relative address", (value,), **where)
        return Removal(f"'{name}' on <{tag}> leads to {_clip(value)}, which is not an allowed address: use https://, "
                       "mailto:, tel: or a page of this site", (value, value.strip()[:12], name), **where)
    if name == "class":
        return Removal(f"the class '{_clip(value)}' on <{tag}> is not one of the site's: remove it (admonitions "
                       "are written as !!! note)", (value, *value.split(), name), **where)
    if name == "id" and RESERVED_ID.match(value):
        return Removal(f"the id '{_clip(value)}' on <{tag}> belongs to the site itself: choose another", (value, name),
                       **where)
    if name == "style":
        return Removal(f"the style '{_clip(value)}' on <{tag}> is not allowed (a style could cover the quick exit, "
                       "and the site's security policy blocks it): remove it", (value, name), **where)
    return Removal(f"the attribute '{name}' on <{tag}> is not allowed in pages: remove it", (name,), **where)


def _clip(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _shown(token: tuple) -> str:
    if not token:
        return "the end of the page"
    if token[0] == "start":
        return f"<{token[1]}>"
    if token[0] == "end":
        return f"</{token[1]}>"
    return f"'{_clip(str(token[1]), 40)}'"


def _needle(token: tuple) -> str:
    if not token:
        return ""
    if token[0] in ("start", "end"):
        return f"<{'/' if token[0] == 'end' else ''}{token[1]}"
    return str(token[1])[:20]
