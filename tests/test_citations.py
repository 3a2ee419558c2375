"""Citations (issue 29): every rule on a page points to the passage it rests on.

The register's validation is the bad-sources scenario (its expected.txt, compared line for
line by test_content_model); here each check is shown both ways in a Swedish and an English
page, the build's rendering and its escaping, `kb translations` and `kb sources --review`.
The pages and register are tests/fixtures/citations (fictional entries only).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import markdown as markdown_module
import pytest

from conftest import FIXTURES, ROOT, add_page, assert_clean_run, kb, make_site, mkdocs_build
from kb import checks
from kb.build import citations as rendering
from kb.build import search_file
from kb.build.listings import Deferred
from kb.checks import citations, register, uncited
from kb.model.schema import PlainLabels, SourceEntry
from kb.model.sources import Register
from kb.model.yamlio import YamlDoc

SCENARIO = FIXTURES / "citations"
PAGE = "docs/ansvar/hanvisningar.md"
PAGE_EN = "docs/ansvar/hanvisningar.en.md"


def project_with_citations(tmp_path: Path) -> Path:
    """The fixture's pages and register, with the rest of the site's data."""
    return make_site(tmp_path, docs=SCENARIO / "docs", data=SCENARIO / "data")


def edit(project: Path, name: str, old: str, new: str) -> int:
    """Replace old by new in a file; the line it is on."""
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def check_output(project: Path) -> tuple[int, list[str]]:
    result = kb("check", cwd=project)
    assert_clean_run(result)
    return result.returncode, result.stdout.splitlines()[:-1]


# --- each check both ways, in both languages ------------------------------------------------

SV = {"rule": ("Du måste anmäla skriftligt [[source:exl-1-1]]", "Du måste anmäla skriftligt"),
      "unknown": ("anmäla det.[[source:exl-1-1]]", "anmäla det.[[source:exl-1-2]]"),
      "malformed": ("[[advice]]", "[[advise]]"),
      "empty": ("[[source:exl-2-3]]", "[[source:]]")}
EN = {"rule": ("You must report in writing [[source:exl-1-1]]", "You must report in writing"),
      "unknown": ("report it.[[source:exl-1-1]]", "report it.[[source:exl-11]]"),
      "malformed": ("[[advice]]", "[[Advice]]"),
      "empty": ("[[source:exl-2-3]]", "[[source:]]")}
MESSAGES = {
    "rule": 'this sentence states a rule ("{word}") but cites no source: end it with [[source:ID]] (an entry of '
            "data/sources.yml) or, if it is the editors' own advice, [[advice]]",
    "unknown": "unknown source '{id}' in [[source:…]]: it is not an id in data/sources.yml; did you mean {close}?",
    "malformed": "'{written}' is not a citation marker: write [[advice]] for the editors' own advice",
    "empty": "'[[source:]]' is not a citation marker: write the id of an entry of data/sources.yml after 'source:', "
             "e.g. [[source:brb-4-1a]], or [[advice]] for the editors' own advice",
}


def test_the_fixture_passes_kb_check(tmp_path):
    assert check_output(project_with_citations(tmp_path)) == (0, [])


@pytest.mark.parametrize("kind", sorted(MESSAGES))
@pytest.mark.parametrize("page, planted", [(PAGE, SV), (PAGE_EN, EN)])
def test_each_check_reports_at_the_line_and_passes_when_fixed(tmp_path, kind, page, planted):
    project = project_with_citations(tmp_path)
    good, bad = planted[kind]
    line = edit(project, page, good, bad)
    values = {"word": "måste" if page == PAGE else "must", "id": "exl-1-2" if page == PAGE else "exl-11",
              "close": "exl-1-1 or exl-2-3", "written": bad}
    code, problems = check_output(project)
    assert code == 1
    assert f"{page}:{line}: {MESSAGES[kind].format(**values)}" in problems, problems
    edit(project, page, bad, good)
    assert check_output(project) == (0, [])


def test_an_entry_no_page_cites_is_reported_at_its_line(tmp_path):
    """A copy counts as cited with its official passage (it says where the passage was read);
    once neither is cited, both are reported."""
    project = project_with_citations(tmp_path)
    for page in (PAGE, PAGE_EN):
        edit(project, page, " [[source:exl-2-3-kopia]]", "")
    assert check_output(project) == (0, [])
    for page in (PAGE, PAGE_EN):
        edit(project, page, "[[source:exl-2-3]]", "[[advice]]")
    code, problems = check_output(project)
    lines = (project / "data" / "sources.yml").read_text(encoding="utf-8").split("\n")
    assert (code, problems) == (1, [f"data/sources.yml:{lines.index(f'  - id: {source_id}') + 1}: no page cites "
                                    f"'{source_id}': cite it as [[source:{source_id}]] after the sentence that rests "
                                    "on it, or remove the entry" for source_id in ("exl-2-3", "exl-2-3-kopia")])


def test_a_hand_written_list_of_sources_is_reported_at_its_line(tmp_path):
    project = project_with_citations(tmp_path)
    line = edit(project, PAGE_EN, "actors: [socialtjansten]\n",
                "actors: [socialtjansten]\nsources:\n  - title: A source\n    url: https://example.org/\n") + 1
    code, problems = check_output(project)
    assert (code, problems) == (1, [f"{PAGE_EN}:{line}: sources are derived from [[source:ID]] citations: remove "
                                    "this list and cite at the sentence"])


@pytest.mark.parametrize("page, heading", [(PAGE, "## Källor"), (PAGE_EN, "## Further reading {#sources}")])
def test_a_heading_of_the_pages_own_where_the_list_of_sources_goes(tmp_path, page, heading):
    project = project_with_citations(tmp_path)
    line = edit(project, page, "\n| ", f"\n{heading}\n\n| ") + 1
    name, anchor = ("Källor", "kallor") if page == PAGE else ("Sources", "sources")
    assert check_output(project) == (1, [
        f"{page}:{line}: the build lists the passages this page cites under a heading of its own, '{name}' "
        f"(#{anchor}): remove this section and cite at the sentences, or give it another name and id"])
    edit(project, page, heading, "## Vem gör vad {#vem}")
    assert check_output(project) == (0, [])


def test_a_marker_shown_as_code_cites_nothing(tmp_path):
    """The fixture shows `[[source:finns-inte]]` as code: no unknown source is reported."""
    text = (SCENARIO / PAGE).read_text(encoding="utf-8")
    assert "`[[source:finns-inte]]`" in text
    assert check_output(project_with_citations(tmp_path))[0] == 0


@pytest.mark.parametrize("text", [
    "", "- 1\n", "official_hosts: riksdagen.se\nsources: 5\n", "sources:\n  - 1\n  - x\n  -\n  - {id: 7}\n",
    "official_hosts: [riksdagen.se]\nsources:\n  - id: a\n    title: [sv, en]\n    locator: {sv: 1}\n",
    "official_hosts: [riksdagen.se]\nextra: 1\nsources:\n  - id: a\n    read_on: 2026-02-30\n    confirmed: maybe\n",
])
def test_a_malformed_register_gives_problems_never_a_traceback(tmp_path, text):
    project = make_site(tmp_path)
    (project / "data" / "sources.yml").write_text(text, encoding="utf-8")
    code, problems = check_output(project)
    assert code == 1
    assert [p for p in problems if p.startswith("data/sources.yml")], problems


def test_a_bad_rule_pattern_is_a_problem_at_its_line(tmp_path):
    project = project_with_citations(tmp_path)
    line = edit(project, "data/normative.yml", "    - '\\bmåste\\b'", "    - '\\bmåste(\\b'")
    code, problems = check_output(project)
    assert code == 1
    assert problems == [f"data/normative.yml:{line}: the pattern '\\bmåste(\\b' is not a regular expression Python "
                        "can read (missing ), unterminated subpattern at position 7): correct it"]


def test_the_build_stops_on_what_would_render_wrongly_and_kb_check_alone_on_the_rest():
    """kb check's verdict covers the build's: the build runs a subset of the same checks. An
    unresolved citation or a misspelt marker would be published wrongly: the build stops.
    A rule without its citation, and an entry no page cites, are published as they read."""
    assert set(checks.BUILD) <= set(checks.ALL)
    for stops in (citations.unknown_sources, citations.malformed_markers, citations.handwritten_sources,
                  citations.own_sources_heading, register.unique_ids, register.official_hosts, register.one_sentence,
                  register.read_on_passed):
        assert stops in checks.BUILD
    for reported in (uncited.check, register.cited):
        assert reported in checks.ALL and reported not in checks.BUILD


# --- the build: numbered references and the list of sources --------------------------------


def with_fixture_register(project: Path) -> None:
    """The fixture's entries appended to the site's own register, whatever it holds."""
    fixture = (SCENARIO / "data" / "sources.yml").read_text(encoding="utf-8")
    entries = fixture.split("\nsources:\n", 1)[1]
    target = project / "data" / "sources.yml"
    target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n" + entries, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real site with the fixture's page in both languages, built once."""
    folder = tmp_path_factory.mktemp("citations")
    project = make_site(folder)
    with_fixture_register(project)
    add_page(project, "ansvar/hanvisningar.md", (SCENARIO / PAGE).read_text(encoding="utf-8"))
    shutil.copy2(SCENARIO / PAGE_EN, project / PAGE_EN)
    result = mkdocs_build(project, folder / "site")
    assert_clean_run(result)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "site"


def article(site: Path, lang: str = "") -> str:
    page = (site / lang / "ansvar" / "hanvisningar" / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article"): page.index("</article>")]


@pytest.mark.slow
def test_citations_are_numbered_in_order_of_first_citation(built):
    text = article(built)
    cited = re.findall(r'<sup class="kb-cite"><a href="#(kalla-\d)" id="(kalla-\d-ref-\d)" aria-label="Källa (\d)">'
                       r"&#91;(\d)&#93;</a></sup>", text)
    # exl-1-1 first (three times: a sentence, a list item, a table cell), then exl-2-3, its copy
    assert [ref for _, ref, _, _ in cited] == ["kalla-1-ref-1", "kalla-2-ref-1", "kalla-3-ref-1", "kalla-1-ref-2",
                                               "kalla-1-ref-3"]
    for target, ref, label, shown in cited:
        assert ref.startswith(f"{target}-ref-") and target == f"kalla-{label}" and label == shown
    assert re.search(r"<li>Du måste anmäla skriftligt <sup class=\"kb-cite\">", text), "in a list item"
    assert re.search(r"<td>Du ska anmäla inom 3 dagar\.<sup class=\"kb-cite\">", text), "in a table cell"
    assert "[[advice]]" not in text, "the advice marker shows nothing"
    assert "<code>[[source:finns-inte]]</code>" in text, "a marker shown as code stays as written"


@pytest.mark.slow
def test_the_list_of_sources_links_back_and_folds_what_the_passage_says(built):
    text = article(built)
    assert '<h2 id="kallor">Källor' in text
    sources = text[text.index('<ol class="kb-sources">'):]
    items = re.findall(r'<li id="(kalla-\d)">(.*?)</li>', sources, re.S)
    assert [item_id for item_id, _ in items] == ["kalla-1", "kalla-2", "kalla-3"]
    first = items[0][1]
    assert "Exempelmyndigheten, <em>Exempellagen</em> (SFS 2099:1), 1 kap. 1 § första stycket" in first
    assert '<a href="https://example.org/exempellagen#K1P1" rel="noopener noreferrer">' in first
    assert re.findall(r'href="#(kalla-1-ref-\d)" aria-label="Tillbaka till hänvisning (\d) i texten"', first) == [
        ("kalla-1-ref-1", "1"), ("kalla-1-ref-2", "2"), ("kalla-1-ref-3", "3")]
    assert ("<details><summary>Vad avsnittet säger</summary><p>Den som arbetar med exempel ska anmäla det till "
            "exempelnämnden.</p></details>") in first
    assert "Inte bekräftad" in items[1][1] and "Inte bekräftad" not in first, "confirmed: false is said"
    english = article(built, "en")
    assert '<h2 id="sources">Sources' in english and '<li id="source-1">' in english
    assert "<em>The Example Act</em>" in english and "Chapter 1, Section 1, first paragraph" in english
    assert "<summary>What the passage says</summary>" in english and "Not confirmed" in english


@pytest.mark.slow
def test_the_heading_is_in_the_table_of_contents_and_the_list_out_of_search(built):
    page = (built / "ansvar" / "hanvisningar" / "index.html").read_text(encoding="utf-8")
    toc = page[page.index('data-md-component="toc"'):]
    assert re.search(r'href="#kallor"[^>]*>\s*<span class="md-ellipsis">\s*Källor', toc), "Källor in the TOC"
    for lang, anchor in (("", "#kallor"), ("en/", "#sources")):
        docs = search_file.read(built / lang / "search" / "search_index.json").all_docs()
        assert not [doc for doc in docs if doc["location"].endswith(anchor)], "the list of sources is not searched"
        assert any(doc["title"] in ("Hänvisningar", "Citations") for doc in docs), "the page itself is"


def test_every_text_from_the_register_is_escaped(content):
    """A hostile register entry (past validation, as if it had slipped through) is text on the page."""
    hostile = "</details><script>alert(1)</script> ](https://evil.example) [x](javascript:alert(1)) \"'&"
    labels = PlainLabels.model_validate({"sv": "text", "en": "text"}, context={"languages": ("sv", "en")})
    labels.__pydantic_extra__.update(sv=hostile, en=hostile)
    entry = SourceEntry.model_construct(id="ond", issuer=hostile, title=labels, document=hostile, locator=labels,
                                        url='https://example.org/"><script>alert(1)</script>', says=labels,
                                        read_on=None, confirmed=False, secondary_of=None)
    register_ = Register(YamlDoc({}), ("riksdagen.se",), {"ond": entry}, {"ond": 0}, frozenset({"ond"}))
    original, content.sources = content.sources, register_
    deferred = Deferred()
    try:
        markdown = rendering.render(content, "En regel.[[source:ond]]\n", "sv", deferred)
    finally:
        content.sources = original
    assert "<ol" not in markdown and "<sup" not in markdown, "the build's HTML goes in after Markdown"
    html = deferred.fill_html(markdown_module.markdown(markdown, extensions=["attr_list", "toc", "md_in_html"]))
    section = html[html.index("<ol"):]
    assert "<script" not in html and "</details><" not in section.replace("</details></li>", "")
    assert "&lt;/details&gt;&lt;script&gt;" in section and "](https" in section  # text, inside the list
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;' in section
    assert section.count("<details>") == section.count("</details>") == 1
    assert "evil.example" not in re.sub(r"<[^>]+>", "", html.split('<ol class="kb-sources">')[0]), "no link made"
    assert 'href="https://evil.example' not in html


# --- kb translations ----------------------------------------------------------------------


def test_a_translation_citing_other_passages_is_reported(tmp_path):
    project = project_with_citations(tmp_path)
    assert kb("translations", "--record", PAGE_EN, cwd=project).returncode == 0
    strict = kb("translations", "--strict", cwd=project)
    assert strict.returncode == 0, strict.stdout
    edit(project, PAGE_EN, " [[source:exl-2-3-kopia]]", " [[source:exl-1-1]]")
    result = kb("translations", cwd=project)
    assert_clean_run(result)
    assert (f"citations en  {PAGE_EN}: {PAGE} cites exl-2-3-kopia, which it does not: cite the same passages as "
            "the source, sentence by sentence") in result.stdout
    assert result.stdout.rstrip().endswith(", 1 citing other sources")
    report = json.loads(kb("translations", "--json", cwd=project).stdout)
    assert report["citations"] == [{"key": "ansvar/hanvisningar.md", "lang": "en", "source": PAGE,
                                    "translation": PAGE_EN, "only_in_source": ["exl-2-3-kopia"],
                                    "only_in_translation": []}]
    assert kb("translations", "--strict", cwd=project).returncode == 1


# --- kb sources --review --------------------------------------------------------------------


def test_the_review_lists_each_cited_sentence_with_its_passages(tmp_path):
    project = project_with_citations(tmp_path)
    result = kb("sources", "--review", PAGE, cwd=project)
    assert_clean_run(result)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{PAGE}: 4 cited sentences, 1 marked as the editors' advice"
    assert f"{PAGE}:13: Den som arbetar med exempel ska anmäla det." in lines
    first = lines.index(f"{PAGE}:13: Den som arbetar med exempel ska anmäla det.")
    assert lines[first + 1: first + 5] == [
        "    [exl-1-1] Exempelmyndigheten, Exempellagen (SFS 2099:1), 1 kap. 1 § första stycket",
        "        https://example.org/exempellagen#K1P1",
        "        says: Den som arbetar med exempel ska anmäla det till exempelnämnden.",
        "        read on 2026-11-30"]
    assert "        not read; NOT CONFIRMED: the passage itself could not be read" in lines
    assert f"{PAGE}:16: Vi rekommenderar att du ringer först, eftersom det ska gå fort." in lines
    assert "    [advice] the editors' own advice: rests on no source" in lines
    assert f"{PAGE}:20: Du måste anmäla skriftligt" in lines and f"{PAGE}:25: | Du | Du ska anmäla inom 3 dagar. |" \
        in lines
    assert "finns-inte" not in result.stdout, "a marker shown as code is no citation"


def test_the_review_exit_codes(tmp_path):
    project = project_with_citations(tmp_path)
    for name in (PAGE, "ansvar/hanvisningar.en.md", str(project / PAGE)):
        assert kb("sources", "--review", name, cwd=project).returncode == 0, name
    unknown = kb("sources", "--review", "docs/ansvar/hanvisning.md", cwd=project)
    assert_clean_run(unknown)
    assert unknown.returncode == 2
    assert "docs/ansvar/hanvisning.md is no page of the site: did you mean docs/ansvar/hanvisningar.md" in \
        unknown.stderr
    assert kb("sources", cwd=project).returncode == 2, "--review or --review-all is required"
    line = edit(project, PAGE, "det.[[source:exl-1-1]]", "det.[[source:exl-9]]")
    broken = kb("sources", "--review", PAGE, cwd=project)
    assert_clean_run(broken)
    assert broken.returncode == 1
    assert "    [exl-9] not in data/sources.yml" in broken.stdout
    assert f"{PAGE}:{line}: unknown source 'exl-9'" in broken.stdout


def test_the_review_as_standalone_html(tmp_path):
    project = project_with_citations(tmp_path)
    out = tmp_path / "review" / "page.html"
    result = kb("sources", "--review", PAGE, "--html", str(out), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page and "<main>" in page
    assert "<script" not in page and " src=" not in page and "<link" not in page, "no script, nothing fetched"
    assert "<h2>Line 13</h2>" in page and '<blockquote lang="sv">Den som arbetar med exempel' in page
    assert '<a href="https://example.org/exempellagen#K1P1" rel="noopener noreferrer">' in page

    folder = tmp_path / "all"
    every = kb("sources", "--review-all", "--html", str(folder), cwd=project)
    assert_clean_run(every)
    assert every.returncode == 0, every.stdout
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) == [
        "ansvar/hanvisningar.en.html", "ansvar/hanvisningar.html", "index.html"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="ansvar/hanvisningar.html" lang="sv">Hänvisningar</a>' in index
    assert kb("sources", "--review", PAGE, "--html", str(tmp_path), cwd=project).returncode == 2, "a folder"


def test_the_shipped_register_and_rules_load_without_problems(content):
    assert content.sources is not None and content.normative is not None
    assert not [p for p in content.problems if p.path in ("data/sources.yml", "data/normative.yml")]
    assert (ROOT / "data" / "sources.yml").read_text(encoding="utf-8").count("official_hosts:") == 1
