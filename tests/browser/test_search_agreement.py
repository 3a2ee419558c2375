"""The search box in Chromium is the search we measure: for every query of the suite it
ranks the same ten pages as `kb search`, the suite's targets hold there, and a search that
finds nothing says whom to call."""

from __future__ import annotations

import random
import re
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT
from kb.build import search_file, search_words, search_worker
from kb.model.contacts import parse_phone
from kb.model.load import built_url
from kb.tools import search

pytestmark = pytest.mark.browser

CASES = yaml.safe_load((ROOT / "tests" / "search" / "queries.yml").read_text(encoding="utf-8"))
PREFIX = {"sv": "/", "en": "/en/"}

#: Puts a query into the theme's search box and waits for the box to show its answer: the
#: pages of its first screen of results (the page of each), [] for "no matching documents",
#: None when nothing changed (the same answer as the query before, which the suite avoids).
ASK = """
(query) => new Promise((done) => {
  const input = document.querySelector(".md-search__input");
  const result = document.querySelector("[data-md-component=search-result]");
  const meta = result.firstElementChild, list = result.lastElementChild;
  const none = JSON.parse(document.getElementById("__config").textContent).translations["search.result.none"];
  const answer = () => [...list.children].map((item) => item.querySelector(":scope > .md-search-result__link").href);
  const watch = new MutationObserver(() => {
    if (list.children.length || meta.textContent.trim() === none) { watch.disconnect(); done(answer()); }
  });
  watch.observe(meta, {childList: true, subtree: true, characterData: true});
  watch.observe(list, {childList: true});
  setTimeout(() => { watch.disconnect(); done(null); }, 20000);
  input.value = query;  // the box answers a text that differs from the one before
  input.dispatchEvent(new KeyboardEvent("keyup", {key: "End"}));
})
"""


def _pages(links: list[str]) -> list[str]:
    return [urlsplit(link).path for link in links]


@pytest.fixture(scope="module")
def answers(browser, site_server) -> dict[tuple[str, str], list[str] | None]:
    """Every query of the suite, asked in the search box of its language's start page."""
    context = browser.new_context()
    page = context.new_page()
    found: dict[tuple[str, str], list[str] | None] = {}
    for lang, prefix in PREFIX.items():
        page.goto(site_server.url(prefix))
        page.focus(".md-search__input")
        for query in dict.fromkeys(c["query"] for c in CASES if c["lang"] == lang):
            links = page.evaluate(ASK, query)
            found[(lang, query)] = None if links is None else _pages(links)
    context.close()
    return found


def test_the_search_box_ranks_the_pages_kb_search_ranks_for_every_query(answers, built_site):
    loaded = {lang: search.build_index(search.index_file(built_site, "sv", lang), ROOT, lang) for lang in PREFIX}
    differ = []
    for (lang, query), shown in answers.items():
        expected = [PREFIX[lang] + hit.location for hit in search.search(loaded[lang], query, limit=10)]
        if shown != expected:
            differ.append((lang, query, shown, expected))
    assert differ == [], differ[:5]


def test_the_search_box_meets_the_suites_targets(answers):
    """hit@3 of at least 0.95 in each language, measured in the search box itself, and no
    query of the suite (each is about words the site uses) finds nothing."""
    for lang, prefix in PREFIX.items():
        cases = [c for c in CASES if c["lang"] == lang]
        hits = [c["query"] for c in cases
                if {prefix + built_url(key) for key in c["expect"]} & set((answers[(lang, c["query"])] or [])[:3])
                or (not c["expect"] and answers[(lang, c["query"])] == [])]
        assert len(hits) / len(cases) >= 0.95, sorted({c["query"] for c in cases} - set(hits))
    # a query finds nothing only where the suite says so (expect: []): the box then shows its help
    assert sorted(key for key, shown in answers.items() if not shown) == sorted(
        (c["lang"], c["query"]) for c in CASES if not c["expect"])


def test_the_forms_that_found_nothing_find_pages(answers):
    """Issue 20: the theme's own search found nothing for these, which are all over the site."""
    for query in ("barnen", "offren", "kvinnorna", "tvångsarbetet", "checklistan", "tvångsarb", "reflektionsper"):
        assert answers[("sv", query)], query


def test_a_search_that_finds_nothing_shows_the_helpline_and_the_checklists(page, site_server, content):
    helpline = content.contacts.get("stodtelefonen")
    number = helpline.phones[0].number
    for lang, prefix in PREFIX.items():
        page.goto(site_server.url(prefix))
        page.focus(".md-search__input")
        assert page.evaluate(ASK, "xqzvwy qzxj") == []
        block = page.locator(".md-search-result [data-kb-search-none]")
        assert block.is_visible()
        assert number in block.inner_text() and helpline.name.get(lang) in block.inner_text()
        dialled = block.locator("a[href^='tel:']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert dialled and set(dialled) == {parse_phone(number).href}  # in English also as dialled from abroad
        links = _pages(block.locator("a:not([href^='tel:'])").evaluate_all("els => els.map(e => e.href)"))
        checklists = {PREFIX[lang] + built_url(p.key) for p in content.valid_pages()
                      if p.meta.type == "checklist" and p.lang == content.site.default_language}
        assert set(links) == checklists
        assert page.evaluate(ASK, "barn" if lang == "sv" else "children")
        assert not page.locator("[data-kb-search-none]").is_visible(), "hidden once the search finds pages"
        assert page.evaluate(ASK, "qzxjy xqzvw") == [] and block.is_visible()
        page.focus(".md-search__input")
        page.keyboard.press("ArrowDown")  # the theme's arrow keys go through what the box shows
        assert page.evaluate("() => Boolean(document.activeElement.closest('[data-kb-search-none]'))")
        first = sorted(checklists)[0]
        page.click(f".md-search-result [data-kb-search-none] a[href*='{first.rstrip('/').split('/')[-1]}']")
        page.wait_for_url(re.compile(re.escape(first) + "$"))


def test_the_browser_stems_every_word_as_the_build_does(page, site_server, built_site):
    """lunr-languages' Swedish Snowball and lunr.js's English stemmer, as the site ships
    them, against the pipeline the build and `kb search` use: the words of the site's own
    results and of the suite, and invented words with the endings the two languages use."""
    page.goto(site_server.url("/404.html"))
    page.add_script_tag(url=site_server.url("/" + search_worker.TARGET))
    rng = random.Random(20)
    endings = {"sv": ["", "en", "et", "arna", "erna", "orna", "ens", "ets", "heten", "ande", "ade", "lig", "els",
                      "löst", "fullt", "s", "as", "ar", "er", "or", "n", "na", "t", "dd", "gt", "kt", "tt"],
               "en": ["", "s", "ies", "ing", "ed", "ational", "izer", "ousness", "ful", "ness", "ance", "ement",
                      "ly", "y", "ay", "ey", "ll", "e", "eed", "ator", "ism", "iveness", "alli"]}
    for lang in PREFIX:
        stored = search_file.read(search.index_file(built_site, "sv", lang))
        words = set()
        for doc in stored.all_docs():
            words.update(search_words.words(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])))
        words.update(w for c in CASES if c["lang"] == lang for w in search_words.words(c["query"]))
        letters = "abcdefghijklmnoprstuvyåäöeaeiou" if lang == "sv" else "abcdefghijklmnopqrstuvwxyzaeiouy"
        words.update("".join(rng.choice(letters) for _ in range(rng.randint(1, 8))) + rng.choice(endings[lang])
                     for _ in range(3000))
        words = sorted(words)
        language = search_words.language(ROOT, lang)
        theirs = page.evaluate("([name, words]) => words.map((w) => lunr.Pipeline.registeredFunctions[name]"
                               "(new lunr.Token(w)).toString())", [stored.manifest["stemmer"], words])
        differ = [(w, language.stem(w), t) for w, t in zip(words, theirs, strict=True) if language.stem(w) != t]
        assert len(words) > 3000 and differ == [], differ[:10]


def test_a_search_fetches_only_the_shards_its_query_reads(browser, site_server, built_site):
    """Issue 32: the worker fetches its language's manifest as it starts and, for a query,
    exactly the shards `kb search` reads to answer it (the terms' postings, the listed
    pages' texts; for a typo the postings of the words it may mean), never the whole
    index; and the box lists the pages `kb search` finds."""
    for lang, query in (("sv", "barnen"), ("en", "reflection period"), ("sv", "hjäpl")):
        loaded = search.build_index(search.index_file(built_site, "sv", lang), ROOT, lang)
        expected = [PREFIX[lang] + hit.location for hit in search.search(loaded, query)]
        if not expected:
            search.suggestions(loaded, query)
        context = browser.new_context()
        fetched: list[str] = []
        context.on("request", lambda request, into=fetched: into.append(urlsplit(request.url).path))
        page = context.new_page()
        page.goto(site_server.url(PREFIX[lang]))
        page.focus(".md-search__input")
        shown = page.evaluate(ASK, query)
        context.close()
        folder = PREFIX[lang] + "search/"
        shards = sorted(path.removeprefix(folder + search_file.SHARDS + "/") for path in fetched
                        if path.startswith(folder + search_file.SHARDS + "/"))
        assert folder + search_file.DATA in fetched, fetched
        assert shards == sorted(loaded.index.fetched), (query, shards, loaded.index.fetched)
        everything = list((built_site / folder.lstrip("/") / search_file.SHARDS).glob("*.json"))
        assert 0 < len(shards) < len(everything) / 2, (query, len(shards), len(everything))
        assert _pages(shown) == expected, (query, shown, expected)
