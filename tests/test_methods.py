"""Method sharing: scaffold, placeholders, catalogue, drafts and vetting."""

from __future__ import annotations

import os
import pty
import re
import subprocess

import pytest
import yaml

from conftest import BIN, ROOT, assert_clean_run, env, kb, make_serve, make_site, mkdocs_build, run

FILLED = {
    "vuxna, barn eller båda": "vuxna",
    "sexuell-exploatering, tvangsarbete": "sexuell-exploatering",
    "vilka aktörer som deltar": "polisen",
}


def fill_placeholders(path) -> None:
    """Replace each <REQUIRED: …> the way a coordinator would: ids where ids are asked for."""
    def replace(match: re.Match) -> str:
        for hint, value in FILLED.items():
            if match.group(1).startswith(hint):
                return value
        return "Ifylld text om metoden."
    path.write_text(re.sub(r"<REQUIRED: ([^>]*)>", replace, path.read_text(encoding="utf-8")), encoding="utf-8")


def test_new_method_scaffold_check_fill_build(tmp_path):
    project = make_site(tmp_path)
    created = kb("new", "method", "--title", "Test", "--region", "syd", "--focus-area", "3", cwd=project)
    assert created.returncode == 0, created.stderr
    page = project / "docs" / "metoder" / "syd" / "test.md"
    assert page.is_file()
    assert "docs/metoder/syd/test.md" in created.stdout and "make check" in created.stdout
    meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
    assert meta["focus_areas"] == ["upptackt"] and meta["regions"] == ["syd"]

    unfilled = kb("check", cwd=project)
    assert unfilled.returncode == 1
    assert re.search(r"^docs/metoder/syd/test\.md:\d+: template placeholder left in", unfilled.stdout, re.M)

    fill_placeholders(page)
    filled = kb("check", cwd=project)
    assert filled.returncode == 0, filled.stdout

    out = tmp_path / "site"
    built = mkdocs_build(project, out)
    assert built.returncode == 0, built.stderr
    assert (out / "metoder" / "syd" / "test" / "index.html").is_file()
    catalogue = (out / "metoder" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="syd/test/">Test</a>', catalogue)
    area = (out / "insatsomraden" / "upptackt" / "index.html").read_text(encoding="utf-8")
    assert "../../metoder/syd/test/" in area, "the focus-area page lists the new method"


def test_new_method_refuses_to_overwrite(tmp_path):
    project = make_site(tmp_path)
    args = ("new", "method", "--title", "Test", "--region", "syd", "--focus-area", "3")
    assert kb(*args, cwd=project).returncode == 0
    page = project / "docs" / "metoder" / "syd" / "test.md"
    page.write_text("my own work", encoding="utf-8")
    again = kb(*args, cwd=project)
    assert_clean_run(again)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert page.read_text(encoding="utf-8") == "my own work"


@pytest.mark.parametrize(("args", "message"), [
    (("--region", "syd", "--focus-area", "3"), "the title is empty"),
    (("--title", "X", "--region", "skane", "--focus-area", "3"), "unknown region 'skane'"),
    (("--title", "X", "--region", "syd", "--focus-area", "9"), "unknown focus area '9'"),
    (("--title", "!!!", "--region", "syd", "--focus-area", "3"), "no letters or digits"),
])
def test_new_method_bad_input_says_how_to_fix_it(tmp_path, args, message):
    project = make_site(tmp_path)
    result = kb("new", "method", *args, cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and message in result.stderr
    assert not (project / "docs" / "metoder" / "syd").exists() or not any((project / "docs/metoder/syd").iterdir())


def test_new_method_asks_when_run_interactively(tmp_path):
    project = make_site(tmp_path)
    main, secondary = pty.openpty()
    process = subprocess.Popen([str(BIN / "kb"), "new", "method"], cwd=project, env=env(), stdin=secondary,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(secondary)
    os.write(main, "Uppsökande arbete\nstockholm\n2, 5\n".encode())
    out, err = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, err
    page = project / "docs" / "metoder" / "stockholm" / "uppsokande-arbete.md"
    assert page.is_file(), out
    meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
    assert meta["focus_areas"] == ["forebyggande", "skydd-och-stod"]


def test_make_new_method(tmp_path):
    project = make_site(tmp_path)
    result = run(["make", "--no-print-directory", "-o", ".venv/.installed", "new-method", "TITLE=Säker plan",
                  "REGION=nord", "FOCUS=5 1"], project)
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / "metoder" / "nord" / "saker-plan.md").is_file()


def _draft_project(tmp_path):
    project = make_site(tmp_path)
    kb("new", "method", "--title", "Utkastmetod", "--region", "mitt", "--focus-area", "7", cwd=project)
    page = project / "docs" / "metoder" / "mitt" / "utkastmetod.md"
    fill_placeholders(page)
    page.write_text(page.read_text(encoding="utf-8").replace("status: review", "status: draft"), encoding="utf-8")
    return project


def test_a_draft_is_absent_from_the_production_build(tmp_path):
    project = _draft_project(tmp_path)
    out = tmp_path / "site"
    assert mkdocs_build(project, out).returncode == 0
    assert not (out / "metoder" / "mitt" / "utkastmetod").exists()
    assert not (out / "en" / "metoder" / "mitt" / "utkastmetod").exists()
    assert "Utkastmetod" not in (out / "metoder" / "index.html").read_text(encoding="utf-8")
    assert "Utkastmetod" not in (out / "insatsomraden" / "kunskap" / "index.html").read_text(encoding="utf-8")


def test_a_draft_is_shown_by_make_serve(tmp_path):
    project = _draft_project(tmp_path)
    with make_serve(project, "-o", ".venv/.installed") as fetch:
        assert "Utkastmetod" in fetch("/metoder/mitt/utkastmetod/", within=90)
        assert "Utkastmetod" in fetch("/metoder/")


def test_a_vetted_method_shows_who_vetted_it_and_when(tmp_path):
    project = make_site(tmp_path)
    kb("new", "method", "--title", "Granskad metod", "--region", "syd", "--focus-area", "5", cwd=project)
    page = project / "docs" / "metoder" / "syd" / "granskad-metod.md"
    fill_placeholders(page)
    text = page.read_text(encoding="utf-8").replace(
        "status: review", "status: vetted\nvetted_by: Nationellt metodstöd\nvetted_on: 2026-11-20")
    page.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    html = (out / "metoder" / "syd" / "granskad-metod" / "index.html").read_text(encoding="utf-8")
    assert "Granskad av Nationellt metodstöd 2026-11-20." in html
    english = (out / "en" / "metoder" / "syd" / "granskad-metod" / "index.html").read_text(encoding="utf-8")
    assert "Vetted by Nationellt metodstöd on 2026-11-20." in english


def test_shipped_methods_in_both_languages_and_not_in_the_navigation(built_site):
    methods = [p for p in (ROOT / "docs" / "metoder").rglob("*.md")
               if "\ntype: method\n" in p.read_text(encoding="utf-8").split("\n---", 1)[0]]
    swedish = [p for p in methods if not p.name.endswith(".en.md")]
    assert len(swedish) >= 6
    for page in swedish:
        assert page.with_name(page.name.replace(".md", ".en.md")).is_file(), f"{page} has no English page"
    start = (built_site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', start, re.S).group(0)
    assert "metoder/gemensamma" not in nav, "methods are reached through the catalogue, not the navigation"
    catalogue = (built_site / "metoder" / "index.html").read_text(encoding="utf-8")
    for page in swedish:
        slug = page.relative_to(ROOT / "docs" / "metoder").as_posix().removesuffix(".md")
        assert f'href="{slug}/"' in catalogue
    assert '<div class="kb-filters" data-count=' in catalogue, "the filters keep their place (kb.css)"


def test_contribution_files_route_every_region():
    taxonomy = yaml.safe_load((ROOT / "data" / "taxonomy.yml").read_text(encoding="utf-8"))
    owners = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "foresla-metod.yml").read_text(encoding="utf-8"))
    regions = next(f for f in form["body"] if f.get("id") == "region")["attributes"]["options"]
    areas = [o["label"] for o in next(f for f in form["body"] if f.get("id") == "focus_areas")["attributes"]["options"]]
    for region in taxonomy["regions"]:
        assert re.search(rf"^/docs/metoder/{region['id']}/\s+@\S+", owners, re.M), region["id"]
        assert region["label"]["sv"] in regions
    assert areas == [f"{a['number']}. {a['label']['sv']} / {a['label']['en']}" for a in taxonomy["focus_areas"]]
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "## Svenska" in guide and "## English" in guide
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()


def test_a_translation_is_written_next_to_its_source_or_refused(tmp_path):
    """kb new method --lang en never leaves an English page without its Swedish source."""
    project = make_site(tmp_path)
    args = ("new", "method", "--title", "Tolk vid samtal", "--region", "syd", "--focus-area", "5")
    orphan = kb(*args, "--lang", "en", cwd=project)
    assert_clean_run(orphan)
    assert orphan.returncode == 2 and "docs/metoder/syd/tolk-vid-samtal.md does not exist" in orphan.stderr
    assert not (project / "docs" / "metoder" / "syd" / "tolk-vid-samtal.en.md").exists()
    assert kb(*args, cwd=project).returncode == 0
    translation = kb(*args, "--lang", "en", cwd=project)
    assert translation.returncode == 0, translation.stderr
    assert (project / "docs" / "metoder" / "syd" / "tolk-vid-samtal.en.md").is_file()
    unknown = kb(*args, "--lang", "fi", cwd=project)
    assert unknown.returncode == 2 and "unknown language 'fi'" in unknown.stderr


def test_the_editors_methods_are_general_descriptions_not_a_regions_practice(tmp_path, built_site, content):
    editorial = [p for p in content.valid_pages() if p.meta.type == "method" and p.meta.author == "editors"]
    assert editorial and all(not p.meta.regions for p in editorial)
    catalogue = (built_site / "metoder" / "index.html").read_text(encoding="utf-8")
    listed = sum(len(p.meta.focus_areas) for p in editorial if p.lang == "sv")  # once per focus area
    assert catalogue.count("(allmän beskrivning från redaktionen)") == listed
    for page in editorial:
        assert "{#erfarenheter}" not in page.body, f"{page.rel} claims experience no source reports"
    project = make_site(tmp_path)
    method = project / "docs" / "metoder" / "gemensamma" / "sakerhetsplanering.md"
    text = method.read_text(encoding="utf-8")
    method.write_text(text.replace("author: editors", "author: editors\nregions: [syd]"), encoding="utf-8")
    both = kb("check", cwd=project)
    assert both.returncode == 1 and "a general description by the editors is no region's practice" in both.stdout
    method.write_text(text.replace("author: editors\n", ""), encoding="utf-8")
    neither = kb("check", cwd=project)
    assert neither.returncode == 1 and "a region's method names its regions" in neither.stdout
