"""One search index per language, made while the build writes the pages, with lunr.py.

Material's search plugin splits each page into sections as the page is built. Each
language's sections go, page by page, to a process of its own (`IndexBuild`,
kb.build.search_language), with what the theme's indexer never saw added (the facts and
statute box under a title and the method catalogue's entries, which go into the HTML after
it; glossary synonyms; front-matter keywords as boosted tags). That process splits their
texts into the language's words (kb.build.search_words) as they come, so that when the last
page is written the index is nearly made: it then writes the file the theme's page script
fetches (kb.build.search_file), and the build writes the search worker that answers the
theme's search box (kb.build.search_worker). `kb search` reads the same file.
"""

from __future__ import annotations

import html
import multiprocessing
import re
from pathlib import Path

from kb.build import (
    citations,
    compat,
    contact_cards,
    facts,
    listings,
    search_language,
    search_worker,
)
from kb.build.listings import Deferred
from kb.build.search_language import plain
from kb.model.load import Content, built_url


def _keywords(content: Content, lang: str, directory_urls: bool) -> dict[str, list[str]]:
    default = content.site.default_language
    found: dict[str, list[str]] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        shown = content.page(page.key, lang) or page
        if shown.meta is not None:
            found[built_url(page.key, directory_urls)] = list(shown.meta.keywords)
    return found


def _after_title_texts(content: Content, lang: str, directory_urls: bool) -> dict[str, str]:
    """The text of each page's facts or statute box, by location: the build puts these
    blocks in after the theme has indexed the page, so the index gets their words here,
    at the end of the page's text (the result shows the page's own first words)."""
    default = content.site.default_language
    found: dict[str, str] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        block = facts.after_title(content, content.page(page.key, lang) or page, lang)
        if block:
            found[built_url(page.key, directory_urls)] = html.escape(" ".join(plain(block).split()), quote=False)
    return found


_HEADING_ID = re.compile(r"^#{1,6} .*\{#([\w-]+)\}\s*$")


def _catalogue_texts(content: Content, lang: str, directory_urls: bool) -> dict[str, str]:
    """The method catalogue's entries (title, summary, regions), by the location of the
    catalogue's section that lists them: they go into the page after the theme's indexer
    has seen it (kb.build.listings.Deferred), as readers see them there."""
    found: dict[str, str] = {}
    for page in content.valid_pages():
        if page.lang != content.site.default_language or page.meta.generated != "methods":
            continue
        deferred = Deferred()
        markdown = listings.method_catalogue(content, page, lang, deferred, directory_urls)
        section = built_url(page.key, directory_urls)
        for line in markdown.splitlines():
            heading = _HEADING_ID.match(line.strip())
            if heading:
                section = f"{built_url(page.key, directory_urls)}#{heading.group(1)}"
            elif line.strip() in deferred.parts:
                text = html.escape(" ".join(plain(deferred.parts[line.strip()]).split()), quote=False)
                found[section] = f"{found[section]} {text}" if section in found else text
    return found


def _place_tags(content: Content, lang: str, directory_urls: bool) -> dict[str, list[str]]:
    """The places of data/taxonomy.yml (a region, its counties and their towns) as tags of
    the contacts directory's section for the region, so that "Malmö" or "Örebro län" finds
    the region's coordinator first."""
    if content.taxonomy is None:
        return {}
    page = built_url(contact_cards.CONTACTS_DIRECTORY, directory_urls)
    return {f"{page}#region-{region.id}": [region.label.get(lang), *(c.label.get(lang) for c in region.counties),
                                           *(town for c in region.counties for town in c.towns)]
            for region in content.taxonomy.regions}


def _glossary_synonyms(content: Content, lang: str, text: str) -> list[str]:
    """Abbreviations for the terms a page spells out, and the terms for the abbreviations it
    uses, from data/glossary.yml, once for every time the page says them: a search for
    "TUT" finds the page that says "tidsbegränsat uppehållstillstånd" (first the page that
    says it most), and the reverse."""
    if content.glossary is None:
        return []
    lowered = text.casefold()
    found = []
    for term in content.glossary.terms:
        if not term.abbreviation:
            continue
        name = term.entry(lang).term
        spelled = lowered.count(name.casefold())
        if spelled:
            found += [term.abbreviation] * spelled
        elif term.abbreviation_in(text):
            found += [name] * len(re.findall(rf"(?<!\w){re.escape(term.abbreviation)}(?!\w)", text))
    return found


class _Additions:
    """What a language's entries get that the theme's indexer never saw: the facts, statute
    boxes and catalogue entries the build puts into pages after the theme indexed them,
    front-matter keywords and place names as tags, and glossary synonyms. Worked out once
    per language, then added to each page's entries as they come."""

    def __init__(self, content: Content, lang: str, directory_urls: bool) -> None:
        self.content, self.lang = content, lang
        self.prefix = content.site.folder(lang)
        # A page's list of sources is left out: its issuers and titles would match nearly every
        # query about the law on every page that cites it, above the pages that explain it.
        self.sources = f"#{citations.section_id(content, lang)}"
        self.glossaries = {built_url(p.key, directory_urls) for p in content.valid_pages() if p.meta.type == "glossary"}
        self.keywords = _keywords(content, lang, directory_urls)
        self.places = _place_tags(content, lang, directory_urls)
        self.added = _after_title_texts(content, lang, directory_urls)
        for location, text in _catalogue_texts(content, lang, directory_urls).items():
            self.added[location] = f"{self.added[location]} {text}" if location in self.added else text

    def entries(self, docs: list[dict]) -> list[dict]:
        """The language's entries for the theme's entries of whole pages, as its index holds
        them: addressed within the language's folder, the list of sources left out, and
        what the theme did not see added."""
        prefix = self.prefix
        docs = [dict(doc, location=doc["location"].removeprefix(self.lang).removeprefix("/") if prefix
                     else doc["location"]) for doc in docs if not doc["location"].endswith(self.sources)]
        for doc in docs:
            if doc["location"] in self.added:
                doc["text"] += f" <p>{self.added[doc['location']]}</p>"
        page_text: dict[str, str] = {}
        for doc in docs:
            page = doc["location"].split("#", 1)[0]
            page_text[page] = page_text.get(page, "") + " " + doc["title"] + " " + doc["text"]
        for doc in docs:
            if doc["location"] in self.places:
                doc["tags"] = self.places[doc["location"]]
            if "#" in doc["location"]:
                continue
            if self.keywords.get(doc["location"]):
                doc["tags"] = self.keywords[doc["location"]]
            if doc["location"] not in self.glossaries:  # synonyms count as text: found, not boosted
                synonyms = _glossary_synonyms(self.content, self.lang, page_text[doc["location"]])
                if synonyms:
                    doc["text"] += " " + " ".join(synonyms)
        return docs


class IndexBuild:
    """One index per language, each made in a process of its own (spawned: see
    kb.build.search_language) from the theme's entries, handed over page by page as the
    build writes them (`add`); `write` then writes every language's files."""

    #: Entries sent to a language's process at a time: fewer, larger messages.
    BATCH = 64

    def __init__(self, content: Content, directory_urls: bool) -> None:
        self.content, self.directory_urls = content, directory_urls
        self._languages = content.site.languages
        root = content.site.root
        self._processes = {lang: _Elsewhere(root, lang) for lang in self._languages}  # start while pages are built
        self._additions: dict[str, _Additions] = {}
        self._waiting: dict[str, list[dict]] = {lang: [] for lang in self._languages}
        self._seen: set[str] = set()

    def _language_of(self, location: str) -> str:
        return next((x for x in self._languages[1:] if location == x or location.startswith((f"{x}/", f"{x}#"))),
                    self._languages[0])

    def add(self, docs: list[dict]) -> None:
        """The theme's entries of one or more whole pages, in any language."""
        by_language: dict[str, list[dict]] = {}
        for doc in docs:
            if doc["location"] in self._seen:
                continue  # a location shows once in the index, however often the theme gives it
            self._seen.add(doc["location"])
            by_language.setdefault(self._language_of(doc["location"]), []).append(doc)
        for lang, found in by_language.items():
            if lang not in self._additions:
                self._additions[lang] = _Additions(self.content, lang, self.directory_urls)
            waiting = self._waiting[lang]
            waiting += self._additions[lang].entries(found)
            if len(waiting) >= self.BATCH:
                self._processes[lang].give(waiting)
                self._waiting[lang] = []

    def flush(self) -> None:
        """Hand over the entries still waiting for a full batch (at the end of the build, or
        of the fork that builds the further languages: kb.build.further_languages)."""
        for lang, waiting in self._waiting.items():
            if waiting:
                self._processes[lang].give(waiting)
                self._waiting[lang] = []

    def write(self, site_dir: Path, config: dict, inline_script: bool = False) -> list[Path]:
        """Every language's index files (`config` is the theme's index config), and the search
        worker; the files written."""
        self.flush()
        for lang, process in self._processes.items():
            process.write(site_dir, self.content.site.folder(lang), config, inline_script)
        written, processes, self._processes = [], self._processes, {}
        try:
            for process in processes.values():
                written += process.written()
        finally:
            for process in processes.values():
                process.stop()  # after a failure: the others end too
        written.append(search_worker.write(self.content.site.root, site_dir, self._languages))
        return written

    def stop(self) -> None:
        """Let the processes end without writing (the build failed)."""
        for process in self._processes.values():
            process.stop()
        self._processes = {}


class _Elsewhere:
    """A language's index made in a new interpreter (spawned: see kb.build.search_language),
    which starts as the build does, so that its start and the splitting of the entries
    into words go on beside the build's own work."""

    def __init__(self, root: Path, lang: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=search_language.build_elsewhere, args=(theirs, root, lang),
                                        daemon=True)
        self._process.start()
        theirs.close()

    def give(self, docs: list[dict]) -> None:
        self._send(("entries", docs))

    def write(self, site_dir: Path, prefix: str, config: dict, inline_script: bool) -> None:
        self._send(("write", site_dir, prefix, config, inline_script))

    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except OSError:
            pass  # the process is gone: `written` says so

    def stop(self) -> None:
        """End the process, whatever it is doing (the build stops, or it has answered)."""
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def written(self) -> list[Path]:
        """The files it wrote; a failure there stops the build here."""
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError):
            status, value = "failed", "its process ended before it finished"
        finally:
            self._conn.close()
            self._process.join()
        if status != "done":
            raise compat.BuildError(f"the search index could not be built: {value}")
        return [Path(path) for path in value]
