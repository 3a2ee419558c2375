"""One search index per language, built once, after the build, with lunr.py.

static-i18n writes one search index holding every language, in the theme's format.
split_index takes it apart by language, adds what the theme's indexer never saw (the
facts and statute box under a title and the method catalogue's entries, which go into
the HTML after it; glossary synonyms; front-matter keywords as boosted tags), builds one
lunr index per language over those texts with the language's words
(kb.build.search_words), and writes it into the file the theme's page script fetches
(kb.build.search_file), with the search worker that answers the theme's search box
(kb.build.search_worker). `kb search` reads the same file.
"""

from __future__ import annotations

import gzip
import html
import multiprocessing
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kb.build import (
    citations,
    compat,
    contact_cards,
    facts,
    link_check,
    listings,
    search_file,
    search_weights,
    search_words,
    search_worker,
)
from kb.build.listings import Deferred
from kb.model.load import Content, built_url

#: How much a word counts where it stands: in the keywords a page declares (and a contacts
#: section's place names), in a title, in the text, and as a part of a compound word in the
#: title or text (Swedish: "brottsoffrets" is also "brott" and "offrets").
FIELDS = {"title": 10.0, "text": 1.0, "tags": 100.0, "parts": 0.5}

#: How many characters of a section's text a result shows (two lines or so).
TEASER = 160

_BREAK = re.compile(r"<(?:br|/p|/div|/dt|/dd|/li|/td|/th|/h\d)\b[^>]*>")  # where words of two lines would meet
_TAG = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """The text of a piece of HTML, words of two blocks kept apart."""
    return html.unescape(_TAG.sub(" ", _BREAK.sub(" ", markup)))


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


def teaser(markup: str, length: int = TEASER) -> str:
    """The start of a section's text as a result shows it: plain text, cut at a word."""
    text = " ".join(plain(markup).split())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0].rstrip(",.;:–-") + " …"
    return f"<p>{html.escape(text, quote=False)}</p>" if text else ""


def build_index(docs: list[dict], language: search_words.Language,
                query: dict | None = None) -> tuple[search_weights.Postings, dict[str, str]]:
    """The weight of each term in each field of each entry, the entries numbered by their
    position (kb.build.search_weights), and the word each term stands for most often
    (what "Did you mean" shows).

    Each text is split into words once: each word is kept as the one copy the vocabulary
    holds, and stemmed once for the whole index (Language.stem)."""
    stop, stem = language.stop_words, language.stem
    one_copy: dict[str, str] = {}
    counts: Counter[str] = Counter()  # how often the index has each word
    entries = []  # per entry: the words of its title and text, the parts of their glued words, its tags' words

    def kept(found: list[str]) -> list[str]:
        return [one_copy.setdefault(word, word) for word in found if word not in stop]

    for doc in docs:
        title, body = plain(doc["title"]), plain(doc["text"])
        entry = (kept(search_words.words(title)), kept(search_words.glued_parts(title)),
                 kept(search_words.words(body)), kept(search_words.glued_parts(body)),
                 kept(search_words.index_words(" ".join(doc.get("tags", [])))))
        for field in entry:
            counts.update(field)
        entries.append(entry)
    seen: dict[str, dict[str, int]] = {}  # a stem -> the words it stands for, and how often
    for word, count in counts.items():
        seen.setdefault(stem(word), {})[word] = count
    del counts
    split = search_words.compound_parts({w for forms in seen.values() for w in forms}, language) \
        if language.compounds else {}
    shorter: dict[str, str | None] = {}  # a word -> the stem of it less an ending, if that differs

    def less_ending(word: str) -> str | None:
        if word not in shorter:
            cut = search_words.without_ending(word, query) if query and language.compounds else None
            shorter[word] = stem(cut) if cut and stem(cut) != stem(word) else None
        return shorter[word]

    def parts_of(word: str) -> tuple[str, ...]:
        """What a word adds to the "parts" field: its parts' stems, and its own and its
        parts' stems less an ending."""
        found = []
        for part in (word, *split.get(word, ())):
            if part != word:
                found.append(stem(part))
            if (cut := less_ending(part)) is not None:
                found.append(cut)
        return tuple(found)

    adds = {word: parts_of(word) for forms in seen.values() for word in forms}

    def terms():
        for title, title_glued, body, body_glued, tags in entries:
            yield {"title": language.stems(title + title_glued), "text": language.stems(body + body_glued),
                   "tags": language.stems(tags), "parts": [term for word in title + body for term in adds[word]]}

    postings = search_weights.postings(terms(), FIELDS)
    shown_as = {stem: min(forms, key=lambda w: (-forms[w], len(w), w)) for stem, forms in seen.items()}
    return postings, shown_as


def language_data(docs: list[dict], language: search_words.Language, query: dict) -> tuple[dict, dict[str, object]]:
    """One language's manifest and shards, as kb.build.search_file writes them."""
    docs = search_file.order(docs)
    postings, shown_as = build_index(docs, language, query)
    shown = [{"location": doc["location"], "title": doc["title"], "text": teaser(doc["text"])} for doc in docs]
    # the word each term stands for, for "Did you mean …?": "" when it is the term itself, None
    # when it stands for no word of the site (a compound's part less an ending, say)
    words = {term: "" if word == term else word for term, word in shown_as.items()}
    manifest, shards = search_file.shard(postings, list(FIELDS), shown, words)
    return {"format": search_file.FORMAT, "stemmer": language.stemmer_name, "stop_words": sorted(language.stop_words),
            "query": query, **manifest}, shards


def index_href(prefix: str) -> str:
    """The address of a language's DATA relative to the worker ("" for the default language,
    "en/" for English), as search_index.json names it and the page hands it to the worker."""
    return posixpath.relpath(f"{prefix}{compat.SEARCH_INDEX.parent.as_posix()}/{search_file.DATA}",
                             posixpath.dirname(search_worker.TARGET))


def write_language(folder: Path, prefix: str, config: dict, data: tuple[dict, dict[str, object]], lang: str,
                   inline_script: bool) -> list[Path]:
    """A language's search_index.json, which names the manifest for the worker, and the
    manifest and its shards beside it, each also gzipped; for the offline edition
    (inline_script) search_index.json and .js that hold them all."""
    manifest, shards = data
    index_file = folder / prefix / compat.SEARCH_INDEX
    if inline_script:
        return compat.write_search_index(index_file, dict(config, kb=dict(manifest, shards=shards)), [], lang,
                                         inline_script)
    written = []
    for path, value in ((index_file.parent / search_file.DATA, manifest),
                        *((index_file.parent / search_file.SHARDS / name, shard) for name, shard in shards.items())):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = search_file.dumps(value)
        path.write_bytes(text)
        # deploy/nginx.conf serves these (gzip_static) instead of compressing them on every request
        zipped = path.with_name(path.name + ".gz")
        zipped.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
        written += [path, zipped]
    kb = {"format": search_file.FORMAT, "href": index_href(prefix)}
    return [*compat.write_search_index(index_file, dict(config, kb=kb), [], lang, inline_script), *written]


def split_index(site_dir: Path, content: Content, inline_script: bool = False) -> list[Path]:
    """Replace the combined index with one index per language, and write the search worker;
    returns the files written. Each further language's index is built in a process of its
    own while this one builds the default language's (when this process may fork)."""
    combined_path = site_dir / compat.SEARCH_INDEX
    if not combined_path.is_file():
        return []
    combined = compat.read_search_index(combined_path)
    languages = content.site.languages

    def language_of(location: str) -> str:
        return next((x for x in languages[1:] if location == x or location.startswith((f"{x}/", f"{x}#"))),
                    languages[0])

    by_language: dict[str, list[dict]] = {lang: [] for lang in languages}
    seen: set[str] = set()
    for doc in combined["docs"]:
        if doc["location"] in seen:
            continue  # `make serve` hands the theme's index each section twice: a result shows once
        seen.add(doc["location"])
        by_language[language_of(doc["location"])].append(doc)
    if sum(1 for docs in by_language.values() if docs) < 2:
        return []  # not the combined index (an earlier build's, or already split)
    directory_urls = not any(doc["location"].split("#", 1)[0].endswith(".html") for doc in combined["docs"])

    def build(lang: str) -> list[Path]:
        prefix = content.site.folder(lang)
        # A page's list of sources is left out: its issuers and titles would match nearly every
        # query about the law on every page that cites it, above the pages that explain it.
        sources = f"#{citations.section_id(content, lang)}"
        docs = [dict(doc, location=doc["location"].removeprefix(lang).removeprefix("/") if prefix else doc["location"])
                for doc in by_language[lang] if not doc["location"].endswith(sources)]
        _add_what_the_theme_did_not_see(content, lang, docs, directory_urls)
        data = language_data(docs, search_words.language(content.site.root, lang),
                             search_words.query_settings(content.site.root, lang))
        return write_language(site_dir, prefix, combined["config"], data, lang, inline_script)

    elsewhere = [_in_another_process(lambda lang=lang: build(lang)) for lang in languages[1:]]
    written = build(languages[0])
    for waiting in elsewhere:
        written += waiting()
    written.append(search_worker.write(content.site.root, site_dir, languages))
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


def _in_another_process(work: Callable[[], list[Path]]) -> Callable[[], list[Path]]:
    """Start `work` in a forked process (or, where this process may not fork, do it now);
    returns what waits for it and gives its result. A failure there stops the build here."""
    if not link_check.may_fork():
        done = work()
        return lambda: done
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run() -> None:
        try:
            send.send(("done", [str(path) for path in work()]))
        except BaseException as exc:  # noqa: BLE001  (reported by the build, in the other process)
            send.send(("failed", str(exc) or type(exc).__name__))

    process = context.Process(target=run, daemon=True)
    process.start()
    send.close()

    def wait() -> list[Path]:
        try:
            status, value = receive.recv()
        except EOFError:
            status, value = "failed", f"its process ended with exit code {process.exitcode}"
        process.join()
        if status != "done":
            raise compat.BuildError(f"the search index could not be built: {value}")
        return [Path(path) for path in value]

    return wait
