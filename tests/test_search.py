"""Search finds the right page, in the reader's language, from the index the build made once.

The browser's side (the same file, the same ranking in Chromium) is in
tests/browser/test_search_agreement.py.
"""

from __future__ import annotations

import json
from functools import cache

import yaml

from conftest import ROOT, assert_clean_run, kb
from kb.build import search_file, search_language, search_weights, search_words
from kb.tools import search

SUITE = ROOT / "tests" / "search" / "queries.yml"
CASES = yaml.safe_load(SUITE.read_text(encoding="utf-8"))


def _index_file(site, lang: str):
    return search.index_file(site, "sv", lang)


@cache
def _loaded(site, lang: str) -> search.Loaded:
    return search.build_index(_index_file(site, lang), ROOT, lang)


def _found(site, lang: str, query: str) -> list[str]:
    return [hit.location for hit in search.search(_loaded(site, lang), query)]


def _terms(site, lang: str, location: str, field: str) -> set[str]:
    """The index's terms of one entry's field, read back from the shipped file."""
    stored = search_file.read(_index_file(site, lang))
    return stored.entry_terms([doc["location"] for doc in stored.all_docs()].index(location), field)


def test_one_index_per_language_with_its_own_pipeline(built_site):
    swedish, english = (search_file.read(_index_file(built_site, lang)) for lang in ("sv", "en"))
    assert (swedish.manifest["stemmer"], english.manifest["stemmer"]) == ("stemmer-sv", "stemmer")
    assert "och" in swedish.manifest["stop_words"] and "the" in english.manifest["stop_words"]
    config = json.loads(_index_file(built_site, "sv").read_text(encoding="utf-8"))["config"]
    assert config["lang"] == ["sv"] and config["kb"] == {"format": search_file.FORMAT,
                                                         "href": "../search/" + search_file.DATA}
    sv_docs, en_docs = (data.all_docs() for data in (swedish, english))
    assert not any(d["location"].startswith("en/") for d in sv_docs)
    titles_sv, titles_en = {d["title"] for d in sv_docs}, {d["title"] for d in en_docs}
    assert "Vilken region tillhör mitt län?" in titles_sv and "Vilken region tillhör mitt län?" not in titles_en
    assert "Which region is my county in?" in titles_en and "Which region is my county in?" not in titles_sv


def test_inflected_forms_find_the_pages_that_use_the_word(built_site):
    """Definite, plural and genitive forms, and a word half typed, all find pages: the
    Snowball stem, the word cut short (-et, -n that Snowball leaves) and the prefix."""
    for query, page in (("barnen", "ansvar/barn/"), ("offren", "ansvar/tvingad-att-bega-brott/"),
                        ("kvinnorna", "insatsomraden/forebyggande/"),
                        ("tvångsarbetet", "checklistor/vuxna-arbetskraftsexploatering/"),
                        ("checklistan", "checklistor/"), ("tvångsarb", "checklistor/vuxna-arbetskraftsexploatering/"),
                        ("reflektionsper", "lagstiftning/uppehallstillstand-och-reflektionstid/")):
        assert page in _found(built_site, "sv", query)[:10], (query, _found(built_site, "sv", query))


def test_a_typo_finds_the_page_but_below_the_exact_word():
    """One letter wrong in a word of five letters or more still finds the page; the page
    with the word as typed comes first."""
    language = search_words.Language("xx", "stemmer", frozenset(), lambda word: word)
    docs = [{"location": "exact/", "title": "Ett", "text": "exploatering och mer"},
            {"location": "typo/", "title": "Två", "text": "exploatring och mer"}]
    loaded = _made(docs, language)
    assert [hit.location for hit in search.search(loaded, "exploatering")] == ["exact/", "typo/"]
    assert [hit.location for hit in search.search(loaded, "exploatring")] == ["typo/", "exact/"]
    assert [hit.location for hit in search.search(loaded, "explo")] == ["exact/", "typo/"]  # a prefix, both
    assert search.search(loaded, "exploatxyng") == []  # two letters wrong


def _all_at_once(docs: list[dict], language: search_words.Language, query: dict) -> tuple[dict, dict]:
    """A language's manifest and shards made of `docs` handed over in one batch."""
    collected = search_language.Collected(language)
    collected.add(docs)
    return collected.data(query)


def _made(docs: list[dict], language: search_words.Language, query: dict | None = None) -> search.Loaded:
    """An index made of `docs` as the build makes one, loaded as `kb search` loads it."""
    made = _all_at_once(docs, language, query or search_words.QUERY)
    manifest, shards = json.loads(json.dumps(made))
    return search.loaded(search_file.Sharded(manifest, shards.__getitem__), language)


def test_a_query_only_one_letter_from_a_short_word_finds_nothing_and_suggests_it():
    """Issue 31: one letter off in a short word is as likely another word: the box shows its
    help with "Did you mean …?" instead of unrelated pages; a long word's typo still finds."""
    language = search_words.Language("xx", "stemmer", frozenset(), lambda word: word)
    docs = [{"location": "a/", "title": "Ett", "text": "offer exploatering"},
            {"location": "b/", "title": "Två", "text": "offen"}, {"location": "c/", "title": "Tre", "text": "offer"}]
    loaded = _made(docs, language)
    assert search.search(loaded, "offes") == []
    assert search.suggestions(loaded, "offes") == ["offer", "offen"]  # on two pages, then on one
    assert [hit.location for hit in search.search(loaded, "exploatring")] == ["a/"]
    assert search.suggestions(loaded, "exploatring") == []
    assert search.search(loaded, "offes exploatering")[0].location == "a/"  # one word found: results
    assert search.search(loaded, "qwxz") == [] and search.suggestions(loaded, "qwxz") == []


def test_a_query_word_is_cut_only_by_the_languages_endings(built_site):
    """A definite form is found by its stem less the ending; a word on no page is not found
    by a stem of its first letters ("loverboy" is not "lov")."""
    assert "checklista" in search_words.cuts("checklistan", search_words.query_settings(ROOT, "sv"))
    assert search_words.cuts("loverboy", search_words.query_settings(ROOT, "sv")) == []
    assert search_words.cuts("loverboy", search_words.QUERY)  # a language without a list cuts any letters
    assert _found(built_site, "sv", "loverboy") == [] and _found(built_site, "sv", "qwxz") == []


def test_compounds_are_found_by_their_parts():
    """Swedish compounds are split against the index's own words: "offren" finds the page
    that speaks of "brottsoffrets" rights, below a page that says "offren" itself."""
    language = search_words.language(ROOT, "sv")
    parts = search_words.compound_parts({"brottsoffrets", "brott", "offret", "tvångsarbete", "tvång", "arbete",
                                         "lägenhet"}, language)
    assert parts["brottsoffrets"] == ["brott", "offrets"] and parts["tvångsarbete"] == ["tvång", "arbete"]
    assert "lägenhet" not in parts
    docs = [{"location": "rights/", "title": "Brottsoffrets rättigheter", "text": "brottsoffrets rätt"},
            {"location": "other/", "title": "Annat", "text": "offren, offret och brott"},
            {"location": "none/", "title": "Inget", "text": "arbete"}]
    loaded = _made(docs, language, search_words.query_settings(ROOT, "sv"))
    assert [hit.location for hit in search.search(loaded, "offren")] == ["other/", "rights/"]


def test_place_names_find_the_regions_contacts_first(built_site, content):
    """Towns, counties and regions of data/taxonomy.yml rank the region's coordinator first."""
    for lang, query, region in (("sv", "Malmö", "syd"), ("sv", "Örebro", "bergslagen"), ("sv", "Luleå", "nord"),
                                ("en", "Gothenburg", "vast"), ("en", "Skåne County", "syd")):
        assert _found(built_site, lang, query)[0] == "kontakter/", (query, _found(built_site, lang, query)[:3])
        tags = _terms(built_site, lang, f"kontakter/#region-{region}", "tags")
        assert search_words.language(ROOT, lang).stem(query.split()[0].lower()) in tags


def test_keywords_and_glossary_synonyms_are_in_the_index(built_site):
    assert "trafficking" in _terms(built_site, "sv", "lagstiftning/manniskohandel/", "tags")
    assert "tut" in _terms(built_site, "sv", "lagstiftning/uppehallstillstand-och-reflektionstid/", "text")
    assert "lagstiftning/uppehallstillstand-och-reflektionstid/" in _found(built_site, "en", "TUT")[:3]


def test_generated_listings_are_in_the_index_of_the_page_that_shows_them(built_site, content):
    """The county table, the contact cards and the catalogue's entries are searched where
    readers see them; a method is still found first by its own page."""
    method = next(p for p in content.valid_pages() if p.meta.type == "method" and p.lang == "sv")
    own = method.key.removesuffix(".md") + "/"
    docs = search_file.read(_index_file(built_site, "sv")).all_docs()
    sections = [doc["location"] for doc in docs if doc["location"].startswith("metoder/#omrade-")]
    listed = set().union(*(_terms(built_site, "sv", section, "text") for section in sections))
    assert sections and set(search_words.language(ROOT, "sv").terms(method.meta.title)) <= listed
    found = _found(built_site, "sv", method.meta.title)
    assert found[0] == own and "metoder/" in found, found
    assert "kontakter/lan/" in _found(built_site, "sv", "Norrbotten")[:3]
    assert "kontakter/" in _found(built_site, "sv", "dygnet runt")[:3], "a contact card's glued cells"
    page = (built_site / "metoder" / "index.html").read_text(encoding="utf-8")
    assert method.meta.summary in page and "kb-listing" not in page


def test_method_facts_and_statute_boxes_are_searchable_but_results_show_the_page_text(built_site):
    """The facts under a method's title and the statute box of a legislation page are in
    the index, every word apart ("Lagrum Brottsbalken"); a result shows the page's own
    first words."""
    english = search_words.language(ROOT, "en")
    facts = _terms(built_site, "en", "metoder/gemensamma/lokal-handlingsplan/", "text")
    assert {english.stem(w) for w in ("focus", "areas", "stronger", "coordination", "target", "groups")} <= facts
    swedish = search_words.language(ROOT, "sv")
    statute = _terms(built_site, "sv", "lagstiftning/kop-av-sexuell-handling/", "text")
    assert {swedish.stem(w) for w in ("lagrum", "brottsbalken", "1962", "700", "officiell")} <= statute
    shown = {d["location"]: d for d in search_file.read(_index_file(built_site, "en")).all_docs()}
    assert shown["metoder/gemensamma/lokal-handlingsplan/"]["text"].startswith("<p>This is a general description")
    assert len(shown["metoder/gemensamma/lokal-handlingsplan/"]["text"]) <= search_language.TEASER + len("<p></p> …")
    page = (built_site / "en" / "metoder" / "gemensamma" / "lokal-handlingsplan" / "index.html").read_text("utf-8")
    assert '</h1>\n<div class="kb-facts" lang="en">' in page and "kb-listing" not in page


def test_words_are_split_and_glued_cells_taken_apart():
    assert search_words.words("Vem ringer jag om LVU:s 6 §?") == ["vem", "ringer", "jag", "om", "lvu", "s", "6"]
    assert search_words.index_words("Telefon112ÖppetDygnet runt") == [
        "telefon112öppetdygnet", "runt", "telefon", "112", "öppet", "dygnet"]
    assert search_words.index_words("İstanbul UtlL") == ["i", "stanbul", "utll", "utl", "l"], "as a query splits"
    swedish = search_words.language(ROOT, "sv")
    assert search_words.query_words(swedish, "Vem ringer jag om barnen i Kalmar?") == ["ringer", "barnen", "kalmar"]
    assert search_words.query_words(swedish, "vem") == ["vem"], "only stop words: they are searched"


def test_the_english_stemmer_is_lunr_js_s():
    """lunr.py's own stemmer gives "alwai" and "holidai"; lunr.js, which the browser runs,
    does not (the browser test compares the two on thousands of words)."""
    from kb.build.english_stemmer import stem

    assert [stem(w) for w in ("always", "holidays", "children", "trafficking", "cry", "by", "relational")] == [
        "alway", "holiday", "children", "traffick", "cri", "by", "relat"]


def test_the_index_weights_are_lunr_builders_to_the_bit():
    """kb.build.search_weights does lunr.py's Builder's arithmetic without the Builder: the
    same weight for every term of every field of every entry, over entries whose terms
    recur, are missing from fields or stand in several fields of one entry."""
    import random

    from lunr.builder import Builder

    rng = random.Random(5)
    vocabulary = [f"w{number}" for number in range(40)]
    entries = [{name: [rng.choice(vocabulary[:rng.randint(1, 40)]) for _ in range(rng.randint(0, 30))]
                for name in search_language.FIELDS} for _ in range(120)]
    builder = Builder()  # no pipeline: each word as given is a term
    builder.b(0)
    builder.ref("id")
    for name, boost in search_language.FIELDS.items():
        builder.field(name, boost=boost)
    for number, entry in enumerate(entries):
        builder.add({"id": str(number), **{name: " ".join(terms) for name, terms in entry.items()}})
    serialized = builder.build().serialize()
    term_of = {posting["_index"]: term for term, posting in serialized["invertedIndex"]}
    lunr = {(term_of[index], *ref.split("/")): round(weight * search_file.SCALE)
            for ref, elements in serialized["fieldVectors"]
            for index, weight in zip(elements[0::2], elements[1::2], strict=True)}
    ours = {(term, name, str(number)): weight
            for term, fields in search_weights.postings(entries, search_language.FIELDS).items()
            for name, held in zip(search_language.FIELDS, fields, strict=True)
            for number, weight in search_weights.pairs(held)}
    assert len(ours) > 1000 and len(set(ours.values())) > 100
    assert ours == lunr


def test_entries_handed_over_page_by_page_make_the_index_all_of_them_make_at_once():
    """The build hands each language's entries over as pages are written, in the order
    MkDocs builds them; the index is the one made of them all, in the index's own order."""
    language = search_words.Language("xx", "stemmer", frozenset({"och"}), lambda word: word.rstrip("s"))
    pages = [[{"location": f"p{number}/", "title": f"Sida {number}", "text": f"offer och stöd {number} Telefon112"},
              {"location": f"p{number}/#del", "title": "Del", "text": "samverkan " * number, "tags": ["nyckel"]}]
             for number in range(12)]
    whole = _all_at_once([doc for page in pages for doc in page], language, search_words.QUERY)
    collected = search_language.Collected(language)
    for batch in (pages[7:], pages[:3], pages[3:7]):  # not in the order of their addresses
        collected.add([doc for page in reversed(batch) for doc in page])
    assert collected.data(search_words.QUERY) == whole
    manifest, shards = whole
    order = [doc["location"] for doc in search_file.Sharded(manifest, shards.__getitem__).all_docs()]
    assert order[:4] == ["p0/", "p0/#del", "p1/", "p1/#del"] and order[-1] == "p9/#del", order


def test_an_index_that_cannot_be_made_stops_the_build_with_a_message(tmp_path, content):
    """A language's index is made in a process of its own: a failure there reaches the build
    as a BuildError that says what went wrong, not as a hang or a traceback from elsewhere."""
    from kb.build import compat, search_index

    made = search_index.IndexBuild(content, directory_urls=True)
    made._processes[content.site.languages[0]].give([{"location": "a/"}])  # no title: the process fails
    try:
        made.write(tmp_path, {"lang": ["sv"]})
    except compat.BuildError as error:
        assert "the search index could not be built" in str(error) and "title" in str(error), error
    else:
        raise AssertionError("the build went on without its index")


def test_the_suite_is_large_and_points_at_real_pages():
    assert len(CASES) >= 150
    for lang in ("sv", "en"):
        assert sum(1 for c in CASES if c["lang"] == lang) >= 60
    for case in CASES:
        for key in case["expect"]:
            assert (ROOT / "docs" / key).is_file(), f"{case['query']}: {key} does not exist"


def test_search_quality_meets_hit3_of_0_95(built_site):
    result = kb("search", "--eval", str(SUITE), "--site", str(built_site), "--json", "--min-hit3", "0.95")
    report = json.loads(result.stdout)
    for lang in ("sv", "en"):
        assert report[lang]["hit@3"] >= 0.95, json.dumps(report[lang], ensure_ascii=False, indent=1)
    assert result.returncode == 0


def test_a_query_of_the_suite_finds_nothing_only_where_it_should(built_site):
    """Each query finds pages, but those the suite expects to find nothing (expect: [])."""
    empty = [(c["lang"], c["query"]) for c in CASES if not _found(built_site, c["lang"], c["query"])]
    assert empty == [(c["lang"], c["query"]) for c in CASES if not c["expect"]]
    assert len(empty) >= 4


def test_eval_exit_code_fails_below_the_threshold(built_site):
    """The counterpart: an impossible threshold fails."""
    result = kb("search", "--eval", str(SUITE), "--site", str(built_site), "--min-hit3", "1.01")
    assert result.returncode == 1


def test_kb_search_offline_query_and_errors(built_site, tmp_path):
    found = kb("search", "reflektionstiden", "--lang", "sv", "--site", str(built_site), "--json")
    assert found.returncode == 0
    top = [hit["location"] for hit in json.loads(found.stdout)[:3]]
    assert "lagstiftning/uppehallstillstand-och-reflektionstid/" in top, top
    missing = kb("search", "x", "--site", str(tmp_path))
    assert_clean_run(missing)
    assert missing.returncode == 2 and "run `make build` first" in missing.stderr
    unknown = kb("search", "x", "--lang", "fi", "--site", str(built_site))
    assert unknown.returncode == 2 and "unknown language 'fi'" in unknown.stderr
    old = tmp_path / "old" / "search" / "search_index.json"
    old.parent.mkdir(parents=True)
    old.write_text('{"config": {"lang": ["sv"]}, "docs": []}', encoding="utf-8")
    stale = kb("search", "x", "--site", str(tmp_path / "old"))
    assert_clean_run(stale)
    assert stale.returncode == 2 and "run `make build` again" in stale.stderr


def test_the_queries_issue_31_measured_in_the_browser(built_site):
    """"offren" brings the victim's rights into the top three; "Malmö" the contacts of Region
    Syd first; "loverboy" (on no page) and "qwxz" find nothing, so the box shows its help."""
    assert "ansvar/brottsoffrets-rattigheter/" in _found(built_site, "sv", "offren")[:3]
    assert _found(built_site, "sv", "Malmö")[0] == "kontakter/"
    assert _found(built_site, "sv", "loverboy") == _found(built_site, "sv", "qwxz") == []
    assert search.suggestions(_loaded(built_site, "sv"), "hjäpl") == ["hjälp"]
