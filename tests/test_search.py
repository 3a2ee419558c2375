"""Search finds the right page, in the reader's language, online and offline."""

from __future__ import annotations

import json

import yaml

from conftest import ROOT, assert_clean_run, kb

SUITE = ROOT / "tests" / "search" / "queries.yml"


def _index(site, lang: str) -> dict:
    path = site / ("" if lang == "sv" else lang) / "search" / "search_index.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_one_index_per_language_with_its_own_pipeline(built_site):
    swedish, english = _index(built_site, "sv"), _index(built_site, "en")
    assert swedish["config"]["lang"] == ["sv"] and english["config"]["lang"] == ["en"]
    assert not any(d["location"].startswith("en/") for d in swedish["docs"])
    titles_sv = {d["title"] for d in swedish["docs"]}
    titles_en = {d["title"] for d in english["docs"]}
    assert "Vilken region tillhör mitt län?" in titles_sv and "Vilken region tillhör mitt län?" not in titles_en
    assert "Which region is my county in?" in titles_en and "Which region is my county in?" not in titles_sv


def test_keywords_and_glossary_synonyms_are_boosted_tags(built_site):
    swedish = {d["location"]: d for d in _index(built_site, "sv")["docs"]}
    assert "trafficking" in [t.lower() for t in swedish["lagstiftning/manniskohandel/"]["tags"]]
    assert "TUT" in swedish["lagstiftning/uppehallstillstand-och-reflektionstid/"]["text"].split()


def test_listings_are_on_the_page_but_each_page_is_found_by_itself(built_site, content):
    """The catalogue and the focus-area lists name other pages: readers see them, but the
    index holds each method once, under its own page, not again in every listing."""
    method = next(p for p in content.valid_pages() if p.meta.type == "method" and p.lang == "sv")
    docs = _index(built_site, "sv")["docs"]
    naming = {d["location"].split("#")[0] for d in docs if method.meta.title in d["title"] + " " + d["text"]}
    assert naming == {method.key.removesuffix(".md") + "/"}, naming
    catalogue = (built_site / "metoder" / "index.html").read_text(encoding="utf-8")
    assert method.meta.summary in catalogue and "kb-listing" not in catalogue


def test_method_facts_and_statute_boxes_are_searchable_after_the_page_text(built_site):
    """The facts under a method's title and the statute box of a legislation page are on
    the page right under the title and in the index, after the page's own words (the
    result preview shows those), with every word apart ("Lagrum Brottsbalken")."""
    swedish = {d["location"]: d for d in _index(built_site, "sv")["docs"]}
    english = {d["location"]: d for d in _index(built_site, "en")["docs"]}
    method = english["metoder/gemensamma/lokal-handlingsplan/"]["text"]
    assert method.startswith("<p>This is a general description")
    assert "Focus areas: Stronger coordination" in method and "Target groups: Adults, Children" in method
    statute = swedish["lagstiftning/kop-av-sexuell-handling/"]["text"]
    assert "<p>Lagrum Brottsbalken (1962:700) 6 kap. 11 § Officiell text" in statute
    page = (built_site / "en" / "metoder" / "gemensamma" / "lokal-handlingsplan" / "index.html").read_text("utf-8")
    assert '</h1>\n<div class="kb-facts" lang="en">' in page and "kb-listing" not in page


def test_the_suite_is_large_and_points_at_real_pages():
    cases = yaml.safe_load(SUITE.read_text(encoding="utf-8"))
    assert len(cases) >= 40
    for lang in ("sv", "en"):
        assert sum(1 for c in cases if c["lang"] == lang) >= 20
        assert sum(1 for c in cases if c["lang"] == lang and c.get("browser")) >= 5
    for case in cases:
        for key in case["expect"]:
            assert (ROOT / "docs" / key).is_file(), f"{case['query']}: {key} does not exist"


def test_search_quality_offline_meets_hit3_of_0_9(built_site):
    result = kb("search", "--eval", str(SUITE), "--site", str(built_site), "--json", "--min-hit3", "0.9")
    report = json.loads(result.stdout)
    for lang in ("sv", "en"):
        assert report[lang]["hit@3"] >= 0.9, json.dumps(report[lang], ensure_ascii=False, indent=1)
    assert result.returncode == 0


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
