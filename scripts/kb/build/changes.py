"""What is new and what changed: the "Nytt och ändrat" page, the latest changes on the start
page, and one Atom feed per language, dated from git history so two builds of one commit
are identical.

A page is listed in a language only when it has a file in that language: a fallback page
(an English reader shown the Swedish text) is not news in English.
"""

from __future__ import annotations

import html
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from kb.build import compat
from kb.build.listings import Deferred, is_published, link
from kb.model import text
from kb.model.load import Content, PageFile, built_url

#: The feeds' folder, one file per language (feeds/sv.xml, feeds/en.xml). Not at a
#: language's root: the theme fetches the sitemap.xml beside every <link rel="alternate">,
#: and beside the feeds is a sitemap of a few bytes (compat.empty_sitemap_beside_feeds),
#: not the site's, which every page load would otherwise fetch and parse.
FEEDS = "feeds"


def feed_path(lang: str) -> str:
    """The language's feed, relative to the site's root."""
    return f"{FEEDS}/{lang}.xml"

#: Entries in a feed and on the start page.
FEED_ENTRIES = 50
LATEST_ON_START_PAGE = 5
#: The newest changes of each group the page lists: a page that names every method would
#: grow with the site (the catalogue lists them all, in pages).
LISTED_PER_GROUP = 100
#: Where a page shows the newest changes.
LATEST = "[[latest-changes]]"


@dataclass(frozen=True)
class Dates:
    added: str  # ISO 8601 with time zone, the first commit that touched the file
    changed: str  # the last one


@dataclass(frozen=True)
class Change:
    page: PageFile
    added: bool  # first published on `day`, else changed then
    when: str  # ISO 8601 timestamp

    @property
    def day(self) -> str:
        return self.when[:10]


def history(root: Path, docs_dir: Path) -> dict[Path, Dates]:
    """Every file's first and last commit under docs/, from one `git log`. Empty outside a
    git checkout (a tarball, or git missing): then pages fall back to their review date."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8",
                              check=True).stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").strip())  # git log names files from here
        log = git("log", "--format=@%cI", "--name-only", "--no-renames", "--", str(docs_dir))
    except (OSError, subprocess.CalledProcessError):
        return {}
    found: dict[Path, Dates] = {}
    when = ""
    for line in log.splitlines():
        if line.startswith("@"):
            when = line[1:]
        elif line.strip():
            path = (top / line.strip()).resolve()
            known = found.get(path)
            # git log runs newest first: the first time a file is seen is its last change.
            found[path] = Dates(added=when, changed=known.changed if known else when)
    return found


def changes(content: Content, lang: str, include_drafts: bool = False) -> list[Change]:
    """The pages written in lang, newest first; methods before other pages on the same day.
    Worked out once per build and language: the feeds, What's new and the start page ask."""
    known_changes = content.__dict__.setdefault("_changes", {})
    if (lang, include_drafts) not in known_changes:
        known_changes[(lang, include_drafts)] = _changes(content, lang, include_drafts)
    return list(known_changes[(lang, include_drafts)])


def _changes(content: Content, lang: str, include_drafts: bool) -> list[Change]:
    dates = content.__dict__.get("_git_dates")
    if dates is None:  # once per build: one git log for every page
        dates = content.__dict__["_git_dates"] = history(content.site.root, content.site.docs_dir)
    found = []
    for page in content.valid_pages():
        if page.lang != lang or page.meta.generated or not is_published(page, include_drafts):
            continue
        known = dates.get(page.path.resolve())
        if known is None:
            fallback = page.meta.last_reviewed_on.isoformat() + "T00:00:00+00:00"
            known = Dates(added=fallback, changed=fallback)
        found.append(Change(page, added=known.added == known.changed, when=known.changed))
    return sorted(found, key=lambda c: (c.day, c.page.meta.type == "method", c.when, c.page.key), reverse=True)


def _label(content: Content, change: Change, lang: str) -> str:
    if change.added:
        return content.ui.get("changes_added", lang)
    return content.ui.get("changes_changed", lang)


def listing(content: Content, page: PageFile, lang: str, deferred: Deferred, include_drafts: bool = False) -> str:
    """The whole list for the "Nytt och ändrat" page: the feed's address, then methods, the
    exercises, then the other pages. The feed link goes in after Markdown: the feed is not a page MkDocs knows."""
    feed = "../" * (content.site.folder(lang) + built_url(page.key)).count("/") + feed_path(lang)
    subscribe = content.ui.get("changes_feed", lang)
    out = [deferred.place(f'<p><a href="{html.escape(feed)}" type="application/atom+xml">{subscribe}</a></p>')]
    all_changes = changes(content, lang, include_drafts)
    methods = [c for c in all_changes if c.page.meta.type == "method"]
    exercises = [c for c in all_changes if c.page.meta.type == "exercise"]
    others = [c for c in all_changes if c.page.meta.type not in ("method", "exercise")]
    for heading, group in ((content.ui.get("changes_methods", lang), methods),
                           (content.ui.get("changes_exercises", lang), exercises),
                           (content.ui.get("changes_pages", lang), others)):
        out += ["", f"## {_markdown_text(heading)}", ""]
        out += ([_line(content, page, c, lang) for c in group[:LISTED_PER_GROUP]]
                or [_markdown_text(content.ui.get("changes_none", lang))])
        if len(group) > LISTED_PER_GROUP:
            older = content.ui.get("changes_older", lang, count=len(group) - LISTED_PER_GROUP)
            out += ["", _markdown_text(older)]
    return "\n".join(out) + "\n"


def latest(content: Content, page: PageFile, lang: str, include_drafts: bool = False) -> str:
    """The few newest changes, for the start page ([[latest-changes]])."""
    items = changes(content, lang, include_drafts)[:LATEST_ON_START_PAGE]
    return "\n".join(_line(content, page, c, lang) for c in items) + "\n"


def _line(content: Content, page: PageFile, change: Change, lang: str) -> str:
    """One change as a list item: the day, the page's title linked, new or changed. The
    title is text on one line (a line break in it would start a box of its own)."""
    title = text.markdown_text(change.page.meta.title)
    label = _markdown_text(_label(content, change, lang))
    return f"- {change.day} · [{title}]({link(page.key, change.page.key)}) · {label}"


def _markdown_text(words: str) -> str:
    """A text the build writes in Markdown, as text: ui texts come HTML-escaped."""
    return text.markdown_text(html.unescape(words))


def atom(content: Content, lang: str, site_url: str, include_drafts: bool = False) -> str:
    """The language's Atom feed (RFC 4287): the newest changes, each linking its page. Titles
    and summaries are plain text (type="text"), escaped once: a reader shows them as written."""
    base = site_url.rstrip("/") + "/"
    prefix = content.site.folder(lang)
    items = changes(content, lang, include_drafts)[:FEED_ENTRIES]
    updated = items[0].when if items else "1970-01-01T00:00:00+00:00"
    title = xml_escape(html.unescape(content.ui.get("feed_title", lang)))
    feed_url = base + feed_path(lang)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">',
           f'  <title type="text">{title}</title>',
           f"  <id>{xml_escape(feed_url)}</id>",
           f'  <link rel="self" href="{xml_escape(feed_url)}"/>',
           f'  <link rel="alternate" href="{xml_escape(base + prefix)}"/>',
           f"  <updated>{updated}</updated>",
           f"  <author><name>{xml_escape(content.site.publisher[0])}</name></author>"]
    for change in items:
        url = base + prefix + built_url(change.page.key)
        kind = html.unescape(_label(content, change, lang))
        title = xml_escape(text.collapse(change.page.meta.title))
        out += ["  <entry>",
                f'    <title type="text">{title} ({xml_escape(kind)})</title>',
                f"    <id>{xml_escape(url)}#{change.when}</id>",
                f'    <link rel="alternate" href="{xml_escape(url)}"/>',
                f"    <updated>{change.when}</updated>",
                f'    <summary type="text">{xml_escape(text.collapse(change.page.meta.summary))}</summary>',
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def write_feeds(content: Content, site_dir: Path, site_url: str, include_drafts: bool = False) -> None:
    for lang in content.site.languages:
        target = site_dir / feed_path(lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(atom(content, lang, site_url, include_drafts), encoding="utf-8")
    compat.empty_sitemap_beside_feeds(site_dir / FEEDS)


def head_link(output: str, content: Content, lang: str, page_url: str) -> str:
    """<link rel="alternate"> to the language's feed in a page's <head>, relative to the page
    so it works under any base path and from the offline zip."""
    href = "../" * page_url.count("/") + feed_path(lang)  # page_url starts with the language's folder
    title = html.escape(html.unescape(content.ui.get("feed_title", lang)), quote=True)
    tag = f'<link rel="alternate" type="application/atom+xml" href="{href}" title="{title}">'
    return output.replace("</head>", f"  {tag}\n  </head>", 1)
