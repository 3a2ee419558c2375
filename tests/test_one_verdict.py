"""`kb check` passing means the strict build passes (issue 30): what the build would refuse,
kb check reports first, at the line a contributor wrote."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, assert_clean_run, kb, make_serve, make_site, mkdocs_build, run

METHOD = ROOT / "docs" / "metoder" / "gemensamma" / "lokal-handlingsplan.md"


def method_text(title: str, regions: list[str] | None = None) -> str:
    text = re.sub(r"^title: .*$", f'title: "{title}"', METHOD.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"\]\((?!https?:|\.\./|#)([a-z-]+\.md)", r"](../gemensamma/\1", text)  # its links from another folder
    if regions:
        text = text.replace("author: editors", f"author: region\nregions: [{', '.join(regions)}]")
    return text


def plant_broken_links(project: Path) -> int:
    """A broken link and a missing anchor in docs/om/index.md; returns the line of both."""
    page = project / "docs" / "om" / "index.md"
    text = page.read_text(encoding="utf-8").rstrip("\n") + "\n\nSe [x](finns-inte.md) och [y](integritet.md#saknas).\n"
    page.write_text(text, encoding="utf-8")
    return text.count("\n")


def test_a_broken_link_and_a_missing_anchor_are_annotated_at_their_line(tmp_path):
    project = make_site(tmp_path)
    line = plant_broken_links(project)
    result = kb("check", "--format", "github", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    assert (f"::error file=docs/om/index.md,line={line},title=kb check::the link to finns-inte.md leads to no page"
            in result.stdout)
    assert (f"::error file=docs/om/index.md,line={line},title=kb check::the link to integritet.md#saknas leads to "
            "no heading #saknas on docs/om/integritet.md") in result.stdout
    page = project / "docs" / "om" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("finns-inte.md", "integritet.md")
                    .replace("#saknas", "#"), encoding="utf-8")
    assert kb("check", cwd=project).returncode == 0


def test_links_resolve_as_the_build_resolves_them(content):
    """Every link on the shipped site resolves, fallbacks and the build's own anchors included."""
    from kb.checks import internal_links
    from kb.checks.scope import Scope
    from kb.model.dates import fixed_today

    assert list(internal_links.check(content, Scope(fixed_today({"KB_TODAY": "2026-12-07"})))) == []


def test_a_method_where_the_form_s_download_lands_is_told_where_it_belongs(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / "metoder" / "ny-metod.md").write_text(method_text("Ny metod"), encoding="utf-8")
    (project / "docs" / "metoder" / "syd").mkdir()
    (project / "docs" / "metoder" / "syd" / "annan.md").write_text(method_text("Annan metod", ["vast"]),
                                                                  encoding="utf-8")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    assert ("docs/metoder/ny-metod.md: a method is found through the catalogue, so it lives in "
            "docs/metoder/<region>/ (e.g. docs/metoder/syd/ny-metod.md): move the file there") in result.stdout
    assert re.search(r"docs/metoder/syd/annan\.md:\d+: the method is in docs/metoder/syd/ but its regions are "
                     r"\[vast\]: move the file to docs/metoder/vast/", result.stdout)
    (project / "docs" / "metoder" / "ny-metod.md").unlink()
    shutil.move(project / "docs" / "metoder" / "syd", project / "docs" / "metoder" / "vast")
    result = kb("check", cwd=project)
    assert result.returncode == 0, result.stdout


def test_a_page_outside_the_navigation_is_reported(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / "om" / "extra.md").write_text(
        "---\ntitle: Extra\nsummary: En sida.\ntype: page\nowner: Redaktionen\nstatus: review\n"
        "last_reviewed_on: 2026-11-01\n---\n\n# Extra\n", encoding="utf-8")
    result = kb("check", cwd=project)
    assert result.returncode == 1
    assert "docs/om/extra.md: is in no section of the navigation, so the build stops on it" in result.stdout


#: One planted change each, of a kind the strict build refuses.
MUTATIONS = {
    "broken link": lambda p: plant_broken_links(p),
    "method outside a region folder": lambda p: (p / "docs" / "metoder" / "ny.md").write_text(
        method_text("Ny metod"), encoding="utf-8"),
    "page outside the navigation": lambda p: shutil.copy(p / "docs" / "om" / "index.md", p / "docs" / "om" / "x.md"),
    "page.sv.md beside page.md": lambda p: shutil.copy(p / "docs" / "om" / "index.md",
                                                       p / "docs" / "om" / "index.sv.md"),
    "a folder named like a feed": lambda p: (p / "docs" / "feeds" / "sv.xml").mkdir(parents=True),
    "a reserved id on a fence": lambda p: (p / "docs" / "om" / "index.md").write_text(
        (p / "docs" / "om" / "index.md").read_text(encoding="utf-8") + "\n``` { #__config }\nx\n```\n",
        encoding="utf-8"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [f"mutation: {m}" for m in MUTATIONS])
def test_the_strict_build_fails_only_where_kb_check_failed(tmp_path, name):
    """Each planted case the strict build refuses, kb check refuses first. (The fixture
    scenarios are not built: their navigation lists pages the English build lacks, which
    only a real, translated site has.)"""
    if name.startswith("mutation: "):
        project = make_site(tmp_path)
        MUTATIONS[name.removeprefix("mutation: ")](project)
    else:
        data = FIXTURES / name / "data"
        project = make_site(tmp_path, docs=FIXTURES / name / "docs", data=data if data.is_dir() else None)
    checked = kb("check", cwd=project)
    assert_clean_run(checked)
    if name.startswith("mutation: "):  # something the build refuses: kb check must say so first
        assert checked.returncode == 1, f"kb check passed {name}"
        assert mkdocs_build(project, tmp_path / "site").returncode != 0, f"the build accepts {name}: not a case"
        return
    if checked.returncode != 0:
        return  # kb check said no first: whatever the build says, the contributor knew
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode == 0, f"kb check passed {name} but the strict build failed:\n{built.stderr[-3000:]}"


def test_make_serve_shows_a_freshly_scaffolded_method_with_its_problems_and_never_hangs(tmp_path):
    """The placeholders of a new method are problems kb check reports: make serve shows every
    page anyway, the method's own with a box that lists them."""
    project = make_site(tmp_path)
    created = kb("new", "method", "--title", "Ny provmetod", "--region", "syd", "--focus-area", "5", cwd=project)
    assert created.returncode == 0, created.stdout + created.stderr
    assert kb("check", cwd=project).returncode == 1, "the placeholders are problems"
    with make_serve(project, "-o", ".venv/.installed") as fetch:
        start = fetch("/", within=120)
        assert "114 14" in start and "Förhandsvisning: rätta det här" not in start
        method = fetch("/metoder/syd/ny-provmetod/", within=5)
        assert "Förhandsvisning: rätta det här" in method
        assert "docs/metoder/syd/ny-provmetod.md:" in method and "template placeholder left in" in method


def test_the_build_s_own_link_problems_are_annotated_on_the_source_line(tmp_path):
    """In CI a broken link the build finds in its HTML is a ::error on the page's source
    line, not on the built file (here with kb check's rules skipped, so the build meets it)."""
    project = make_site(tmp_path)
    line = plant_broken_links(project)
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--site-dir", str(tmp_path / "site")], project,
                 KB_SKIP_CHECKS="1", GITHUB_ACTIONS="true")
    assert_clean_run(result)
    annotations = [row for row in result.stdout.splitlines() if row.startswith("::error")]
    assert any(row.startswith(f"::error file=docs/om/index.md,line={line},title=mkdocs build::broken link ")
               for row in annotations), result.stdout + result.stderr[-2000:]
    assert not any("file=site/" in row for row in annotations), "nothing is annotated on the built HTML"
