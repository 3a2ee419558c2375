"""Search: one index per language, and an offline mirror of the site's search (lunr.py).

static-i18n writes one search index holding every language. After the build, split_index
writes one index per language (Swedish at search/, English at en/search/), each with its
own single-language pipeline, and adds each page's front-matter keywords as boosted tags.
kb search ranks with lunr.py over the same index files, with Snowball stemming (NLTK's,
which needs no download) and the stop-word list in data/search/.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import generate
from .load import Content, built_url

FIELDS = {"title": 1000.0, "tags": 1000000.0, "text": 1.0}  # as the theme's search worker boosts them
SEPARATOR = r"[\s\-]+"


def _keywords(content: Content, lang: str) -> dict[str, list[str]]:
    default = content.site.default_language
    found: dict[str, list[str]] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        shown = content.page(page.key, lang) or page
        if shown.meta is not None:
            found[built_url(page.key)] = list(shown.meta.keywords)
    return found


def _after_title_texts(content: Content, lang: str) -> dict[str, str]:
    """The text of each page's facts or statute box, by location: the build puts these
    blocks in after the theme has indexed the page, so the index gets their words here,
    at the end of the page's text (the result preview shows the page's own first words)."""
    default = content.site.default_language
    found: dict[str, str] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        block = generate.after_title(content, content.page(page.key, lang) or page, lang)
        if block:
            text = _TAG.sub("", _BREAK.sub(" ", block))
            found[built_url(page.key)] = html.escape(" ".join(html.unescape(text).split()), quote=False)
    return found


_BREAK = re.compile(r"<(?:br|/p|/div|/dt|/dd|/li)\b[^>]*>")  # where words of two lines would meet
_TAG = re.compile(r"<[^>]+>")


def _glossary_synonyms(content: Content, lang: str, text: str) -> list[str]:
    """Abbreviations for the terms a page spells out, and the terms for the abbreviations it
    uses, from data/glossary.yml: a search for "TUT" finds the page that says
    "tidsbegränsat uppehållstillstånd", and the reverse."""
    if content.glossary is None:
        return []
    lowered = text.casefold()
    found = []
    for term in content.glossary.terms:
        if not term.abbreviation:
            continue
        name = term.entry(lang).term
        if name.casefold() in lowered:
            found.append(term.abbreviation)
        elif term.abbreviation_in(text):
            found.append(name)
    return found


def split_index(site_dir: Path, content: Content, inline_script: bool = False) -> list[Path]:
    """Replace the combined index with one index per language; returns the files written."""
    combined_path = site_dir / "search" / "search_index.json"
    if not combined_path.is_file():
        return []
    combined = json.loads(combined_path.read_text(encoding="utf-8"))
    languages = content.site.languages

    def language_of(location: str) -> str:
        return next((x for x in languages[1:] if location == x or location.startswith((f"{x}/", f"{x}#"))),
                    languages[0])

    by_language: dict[str, list[dict]] = {lang: [] for lang in languages}
    for doc in combined["docs"]:
        by_language[language_of(doc["location"])].append(doc)
    if sum(1 for docs in by_language.values() if docs) < 2:
        return []  # not the combined index (an earlier build's, or already split)
    written = []
    for lang in languages:
        prefix = "" if lang == languages[0] else f"{lang}/"
        docs = [dict(doc, location=doc["location"].removeprefix(lang).removeprefix("/") if prefix else doc["location"])
                for doc in by_language[lang]]
        keywords = _keywords(content, lang)
        glossaries = {built_url(p.key) for p in content.valid_pages() if p.meta.type == "glossary"}
        after_title = _after_title_texts(content, lang)
        for doc in docs:
            if doc["location"] in after_title:
                doc["text"] += f" <p>{after_title[doc['location']]}</p>"
        page_text: dict[str, str] = {}
        for doc in docs:
            page = doc["location"].split("#", 1)[0]
            page_text[page] = page_text.get(page, "") + " " + doc["title"] + " " + doc["text"]
        for doc in docs:
            if "#" in doc["location"]:
                continue
            if keywords.get(doc["location"]):
                doc["tags"] = keywords[doc["location"]]
            if doc["location"] not in glossaries:  # synonyms count as text: found, not boosted
                synonyms = _glossary_synonyms(content, lang, page_text[doc["location"]])
                if synonyms:
                    doc["text"] += " " + " ".join(synonyms)
        config = dict(combined["config"], lang=[lang])
        path = site_dir / prefix / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        path.write_text(data, encoding="utf-8")
        written.append(path)
        if inline_script:  # the offline edition reads the index from a script, not a fetch
            script = path.with_suffix(".js")
            script.write_text(f"var __index = {data}", encoding="utf-8")
            written.append(script)
    return written


def rebase_config(page_html: str, lang: str) -> str:
    """Point the theme's search (config.base) of a page in `lang` at that language's folder,
    so the search box queries that language's index and links into it."""
    def rebase(match: re.Match) -> str:
        base = match.group(2).rstrip("/") or "."
        return f"{match.group(1)}{base}/{lang}/{match.group(3)}"

    return re.sub(r'(<script id="__config" type="application/json">[^<]*?"base":\s*")([^"]*)(")', rebase,
                  page_html, count=1)


# --- the offline mirror ---------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    location: str
    title: str
    score: float


def _stop_words(root: Path, lang: str) -> set[str]:
    path = root / "data" / "search" / f"stopwords.{lang}.txt"
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def build_index(index_file: Path, root: Path, lang: str):
    """A lunr.py index over a site language's search_index.json, with that language's pipeline."""
    import lunr  # noqa: F401  (registers the default pipeline functions)
    import lunr.languages  # noqa: F401  (registers stemmer-sv etc. when NLTK is installed)
    from lunr.builder import Builder
    from lunr.pipeline import Pipeline
    from lunr.stemmer import stemmer as english_stemmer
    from lunr.stop_word_filter import generate_stop_word_filter, stop_word_filter
    from lunr.trimmer import trimmer

    data = json.loads(index_file.read_text(encoding="utf-8"))
    builder = Builder()
    if lang == "en":
        stem, stop = english_stemmer, stop_word_filter
    else:
        stem = Pipeline.registered_functions[f"stemmer-{lang}"]
        stop = generate_stop_word_filter(sorted(_stop_words(root, lang)), language=lang)
    builder.pipeline.add(trimmer, stop, stem)
    builder.search_pipeline.add(stem)
    builder.ref("location")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    titles = {}
    for doc in data["docs"]:
        titles[doc["location"]] = doc["title"]
        builder.add({"location": doc["location"], "title": _plain(doc["title"]), "text": _plain(doc["text"]),
                     "tags": " ".join(doc.get("tags", []))})
    return builder.build(), titles


def _plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text)


def search(index_and_titles, query: str, limit: int = 10) -> list[Hit]:
    """Ranked pages for a query: each term matched as typed or as a prefix, best section per page."""
    index, titles = index_and_titles
    terms = [t for t in re.split(SEPARATOR, query.lower().strip()) if t]
    if not terms:
        return []

    query_ = index.create_query()
    for term in terms:
        query_.term(term, boost=10)
        query_.term(term, use_pipeline=False, wildcard=query_.WILDCARD_TRAILING)
    best: dict[str, float] = {}
    for result in index.query(query_):
        page = result["ref"].split("#", 1)[0]
        best[page] = max(best.get(page, 0.0), result["score"])
    ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
    return [Hit(location, titles.get(location, location), score) for location, score in ranked]


def index_file(site_dir: Path, default_language: str, lang: str) -> Path:
    return site_dir / ("" if lang == default_language else lang) / "search" / "search_index.json"
