"""One term per concept in each language (data/terms.yml), checked on every page and in the
texts of data/glossary.yml, contacts.yml, taxonomy.yml and ui.yml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import FIXTURES, assert_clean_run, kb, make_site

WHY = "(data/terms.yml: one term per concept, so readers do not take them for two)"


def _append(page, text: str) -> int:
    """Add a line at the end of a page; its line number."""
    lines = page.read_text(encoding="utf-8").rstrip("\n").split("\n")
    page.write_text("\n".join([*lines, "", text]) + "\n", encoding="utf-8")
    return len(lines) + 2


def _data_site(tmp_path: Path) -> Path:
    """The shipped data/ with the clean scenario's pages: what data/ says, and nothing else."""
    return make_site(tmp_path, docs=FIXTURES / "clean" / "docs")


def _edit(path: Path, edits: dict[str, str]) -> dict[str, int]:
    """Replace whole lines (found by their text, stripped) in a data file; the line number of each."""
    lines = path.read_text(encoding="utf-8").split("\n")
    where = {}
    for old, new in edits.items():
        index = next(i for i, line in enumerate(lines) if line.strip() == old)
        lines[index] = lines[index][: len(lines[index]) - len(lines[index].lstrip())] + new
        where[old] = index + 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return where


def _check(project: Path):
    result = kb("check", cwd=project)
    assert_clean_run(result)
    return result.returncode, result.stdout.splitlines()[:-1]


def test_a_discouraged_term_is_reported_in_its_language_only(tmp_path):
    project = make_site(tmp_path)
    swedish, english = project / "docs" / "om" / "index.md", project / "docs" / "om" / "index.en.md"
    sv_line = _append(swedish, "Offret har rätt till reflektionstid.")
    en_line = _append(english, "The first hours are about acute protection.")
    synonym = _append(swedish, "Betänketid (som ibland kallas reflektionstid) är 30 dagar.")  # named once: fine
    other = _append(english, "The Swedish word reflektionstid is not checked on an English page.")
    link = _append(swedish, "Läs [mer](../lagstiftning/uppehallstillstand-och-reflektionstid.md).")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    reported = set(result.stdout.splitlines())
    assert f'docs/om/index.md:{sv_line}: use "betänketid" instead of "reflektionstid" {WHY}' in reported
    assert f'docs/om/index.en.md:{en_line}: use "immediate protection" instead of "acute protection" {WHY}' in reported
    assert not any(line.startswith((f"docs/om/index.md:{synonym}:", f"docs/om/index.en.md:{other}:",
                                    f"docs/om/index.md:{link}:"))
                   for line in reported)


def test_the_shipped_site_uses_the_house_terms(content):
    """Pages and data/ alike."""
    from kb.checks import terminology
    from kb.checks.scope import Scope

    assert [str(p) for p in terminology.check(content, Scope(date(2026, 11, 24)))] == []


def test_the_shipped_data_uses_the_house_terms(tmp_path):
    """Exit 0 when nothing is wrong: the shipped data/ passes on its own."""
    assert _check(_data_site(tmp_path)) == (0, [])


def test_a_discouraged_term_in_the_glossary_is_reported_where_it_is_written(tmp_path):
    project = _data_site(tmp_path)
    glossary = project / "data" / "glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    first = text.split("\n").index("  - id: socialjour")
    folded = text.split("\n")[first:].index("        The social services outside office hours. Many municipalities "
                                            "share one, and you") + first + 1
    lines = _edit(glossary, {
        "term: Reflection period": "term: Reflection time",  # English: reported
        "term: Socialjour": "term: Socialjour (on-call team)",  # an English word in a Swedish text: not judged
    })
    text = glossary.read_text(encoding="utf-8").split("\n")
    text[folded - 1] = "        Acute protection outside office hours. Many municipalities share one, and you"
    text.insert(first, "  # reflection time, acute protection, on-call team: a comment is not text")
    glossary.write_text("\n".join(text), encoding="utf-8")
    code, problems = _check(project)
    assert code == 1
    assert problems == [  # a text folded over lines: the line where the word is, not the key's
        f'data/glossary.yml:{lines["term: Reflection period"]}: use "reflection period" instead of '
        f'"Reflection time" {WHY}',
        f'data/glossary.yml:{folded + 1}: use "immediate protection" instead of "Acute protection" {WHY}',
    ]


def test_a_discouraged_term_in_the_ui_texts_is_reported_and_a_named_exception_is_not(tmp_path):
    project = _data_site(tmp_path)
    lines = _edit(project / "data" / "ui.yml", {
        "en: No pages are linked to this area yet.": "en: No pages are linked to this area yet, ask a guardian.",
        "en: Pages": "en: Pages for a guardian (god man)",  # the unless word: another concept
        "sv: Sidor": "sv: Sidor för reflektionstid, även kallad betänketid",  # names the house term: fine
    })
    code, problems = _check(project)
    assert code == 1
    assert problems == [f'data/ui.yml:{lines["en: No pages are linked to this area yet."]}: use "parent or legal '
                        f'custodian" instead of "guardian" {WHY}']


def test_a_discouraged_term_in_a_flow_mapping_of_the_taxonomy_is_reported(tmp_path):
    project = _data_site(tmp_path)
    lines = _edit(project / "data" / "taxonomy.yml",
                  {"label: {sv: Region Syd, en: Region Syd}": "label: {sv: Region Syd, en: Region South}"})
    code, problems = _check(project)
    assert code == 1
    assert problems == [f'data/taxonomy.yml:{lines["label: {sv: Region Syd, en: Region Syd}"]}: use "Region Syd" '
                        f'instead of "Region South" {WHY}']
