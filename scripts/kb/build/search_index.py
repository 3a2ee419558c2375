"""One search index per language, built once, after the build, with lunr.py.

static-i18n writes one search index holding every language, in the theme's format.
split_index takes it apart by language, adds what the theme's indexer never saw (the
facts and statute box under a title and the method catalogue's entries, which go into
the HTML after it; glossary synonyms; front-matter keywords as boosted tags), builds one
lunr index per language over those texts with the language's words (kb.build.search_words,
kb.build.search_language), and writes it into the file the theme's page script fetches
(kb.build.search_file), with the search worker that answers the theme's search box
(kb.build.search_worker). `kb search` reads the same file.
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


def split_index(site_dir: Path, content: Content, inline_script: bool = False) -> list[Path]:
    """Replace the combined index with one index per language, and write the search worker;
    returns the files written. Each further language's index is built in a process of its
    own (kb.build.search_language) while this one builds the default language's."""
    combined_path = site_dir / compat.SEARCH_INDEX
    if not combined_path.is_file():
        return []
    languages, root = content.site.languages, content.site.root
    elsewhere = {lang: _Elsewhere(root, lang) for lang in languages[1:]}  # starting while this one reads
    combined = compat.read_search_index(combined_path)
    config = combined["config"]

    def language_of(location: str) -> str:
        return next((x for x in languages[1:] if location == x or location.startswith((f"{x}/", f"{x}#"))),
                    languages[0])

    by_language: dict[str, list[dict]] = {lang: [] for lang in languages}
    seen: set[str] = set()
    for doc in combined.pop("docs"):
        if doc["location"] in seen:
            continue  # `make serve` hands the theme's index each section twice: a result shows once
        seen.add(doc["location"])
        by_language[language_of(doc["location"])].append(doc)
    del combined, seen
    if sum(1 for docs in by_language.values() if docs) < 2:
        for process in elsewhere.values():
            process.stop()
        return []  # not the combined index (an earlier build's, or already split)
    directory_urls = not any(doc["location"].split("#", 1)[0].endswith(".html")
                             for docs in by_language.values() for doc in docs)

    def entries(lang: str) -> list[dict]:
        """The language's entries as its index holds them (each entry of the combined index
        is let go as it is copied)."""
        prefix = content.site.folder(lang)
        # A page's list of sources is left out: its issuers and titles would match nearly every
        # query about the law on every page that cites it, above the pages that explain it.
        sources = f"#{citations.section_id(content, lang)}"
        docs = [dict(doc, location=doc["location"].removeprefix(lang).removeprefix("/") if prefix else doc["location"])
                for doc in by_language.pop(lang) if not doc["location"].endswith(sources)]
        _add_what_the_theme_did_not_see(content, lang, docs, directory_urls)
        return docs

    for lang, process in elsewhere.items():
        process.give(site_dir, content.site.folder(lang), config, entries(lang), inline_script)
    default = languages[0]
    written = search_language.build(root, site_dir, content.site.folder(default), config, entries(default), default,
                                    inline_script)
    for process in elsewhere.values():
        written += process.written()
    written.append(search_worker.write(root, site_dir, languages))
    return written


def _add_what_the_theme_did_not_see(content: Content, lang: str, docs: list[dict], directory_urls: bool) -> None:
    """Into a language's entries: the facts, statute boxes and catalogue entries the build
    put into pages after the theme indexed them, front-matter keywords as tags, and glossary
    synonyms."""
    glossaries = {built_url(p.key, directory_urls) for p in content.valid_pages() if p.meta.type == "glossary"}
    keywords = _keywords(content, lang, directory_urls)
    places = _place_tags(content, lang, directory_urls)
    added = _after_title_texts(content, lang, directory_urls)
    for location, text in _catalogue_texts(content, lang, directory_urls).items():
        added[location] = f"{added[location]} {text}" if location in added else text
    for doc in docs:
        if doc["location"] in added:
            doc["text"] += f" <p>{added[doc['location']]}</p>"
    page_text: dict[str, str] = {}
    for doc in docs:
        page = doc["location"].split("#", 1)[0]
        page_text[page] = page_text.get(page, "") + " " + doc["title"] + " " + doc["text"]
    for doc in docs:
        if doc["location"] in places:
            doc["tags"] = places[doc["location"]]
        if "#" in doc["location"]:
            continue
        if keywords.get(doc["location"]):
            doc["tags"] = keywords[doc["location"]]
        if doc["location"] not in glossaries:  # synonyms count as text: found, not boosted
            synonyms = _glossary_synonyms(content, lang, page_text[doc["location"]])
            if synonyms:
                doc["text"] += " " + " ".join(synonyms)


class _Elsewhere:
    """A language's index built in a new interpreter (spawned: see kb.build.search_language).
    It starts before its entries are ready, so that the interpreter's start overlaps the
    work of preparing them; `give` hands them over, and this process lets them go."""

    def __init__(self, root: Path, lang: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=search_language.build_elsewhere, args=(theirs, root, lang),
                                        daemon=True)
        self._process.start()
        theirs.close()

    def give(self, site_dir: Path, prefix: str, config: dict, docs: list[dict], inline_script: bool) -> None:
        try:
            self._conn.send((site_dir, prefix, config, docs, inline_script))
        except OSError:
            pass  # the process is gone: `written` says so

    def stop(self) -> None:
        """Let the process end (without entries it ends at once)."""
        self._conn.close()
        self._process.join()

    def written(self) -> list[Path]:
        """The files it wrote; a failure there stops the build here."""
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError):
            status, value = "failed", "its process ended before it finished"
        finally:
            self.stop()
        if status != "done":
            raise compat.BuildError(f"the search index could not be built: {value}")
        return [Path(path) for path in value]
