"""The skeleton: the site builds in both languages, strictly, and broken links stop it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import jinja2
import pytest

from conftest import ROOT, add_page, assert_clean_run, make_serve, make_site, mkdocs_build
from kb.build import watch
from kb.build.search_file import Sharded
from kb.build.session import CompiledTemplates


def html_lang(path: Path) -> str:
    match = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", path.read_text(encoding="utf-8"))
    assert match, f"{path} has no <html lang>"
    return match.group(1)


def test_both_languages_are_built_with_their_language(built_site):
    assert html_lang(built_site / "index.html") == "sv"
    assert html_lang(built_site / "en" / "index.html") == "en"


def test_start_page_tells_what_to_do_first_in_both_languages(built_site):
    for page in (built_site / "index.html", built_site / "en" / "index.html"):
        text = page.read_text(encoding="utf-8")
        for number in ("112", "114 14", "020-39 00 00"):
            assert number in text, f"{number} missing from {page}"


def switcher_targets(page: Path, site: Path) -> dict[str, str]:
    """hreflang -> the site path the language switcher of a built page leads to."""
    url = "http://site/" + page.relative_to(site).as_posix().removesuffix("index.html")
    links = re.findall(r'<a href="([^"]*)" hreflang="([^"]+)" class="md-select__link"',
                       page.read_text(encoding="utf-8"))
    return {lang: urljoin(url, href).removeprefix("http://site") for href, lang in links}


def test_language_switcher_lands_on_the_same_page(built_site):
    pairs = 0
    for english in (built_site / "en").rglob("index.html"):
        swedish = built_site / english.relative_to(built_site / "en")
        if not swedish.is_file():
            continue
        path = "/" + swedish.relative_to(built_site).as_posix().removesuffix("index.html")
        assert switcher_targets(swedish, built_site) == {"sv": path, "en": "/en" + path}
        assert switcher_targets(english, built_site) == {"sv": path, "en": "/en" + path}
        pairs += 1
    assert pairs >= 1


def test_no_fonts_or_scripts_from_other_origins(built_site):
    for page in (built_site / "index.html", built_site / "en" / "index.html"):
        text = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]+src="((?:https?:)?//[^"]+)"', text)
        loaded = re.findall(r'<link[^>]+rel="(?:stylesheet|preconnect|preload|dns-prefetch|icon|manifest)"'
                            r'[^>]+href="((?:https?:)?//[^"]+)"', text)
        foreign = scripts + loaded
        assert foreign == [], f"{page} loads {foreign}"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def _page(title: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\nsummary: En testsida.\ntype: page\nowner: Redaktionen\n"
        f"status: review\nlast_reviewed_on: 2026-01-01\n---\n\n# {title}\n\n{body}\n"
    )


@pytest.mark.parametrize(("name", "body", "missing"), [
    ("trasig.md", "Se [sidan](finns-inte.md).", "finns-inte.md"),      # a broken link
    ("ankare.md", "Se [start](index.md#finns-inte).", "finns-inte"),   # a missing anchor
])
def test_broken_link_or_anchor_fails_the_build_naming_the_page(tmp_path, name, body, missing):
    project = make_site(tmp_path)
    add_page(project, name, _page("Trasig länk", body))
    result = mkdocs_build(project, tmp_path / "out")
    assert_clean_run(result)
    assert result.returncode == 1
    assert name in result.stderr and missing in result.stderr


def test_the_same_site_with_valid_links_builds(tmp_path):
    """The counterpart of the two above: a good link does not fail the build."""
    project = make_site(tmp_path)
    add_page(project, "hel.md", _page("Hel länk", "Se [start](index.md#gor-sa-har-forst)."))
    result = mkdocs_build(project, tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_make_serve_answers_within_a_minute():
    """...and its search index holds each section once (the theme's index handed each twice)."""
    with make_serve(ROOT) as fetch:
        assert "114 14" in fetch("/", within=60), "make serve did not answer with the start page within a minute"
        index = Sharded(json.loads(fetch("/search/lunr_index.json")),
                        lambda name: json.loads(fetch(f"/search/shards/{name}")))
        locations = [doc["location"] for doc in index.all_docs()]
    assert len(locations) == len(set(locations)) > 100


def _until(condition, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_make_serve_shows_each_save_and_rebuilds_only_what_changed(tmp_path):
    """make serve rebuilds only the saved page: each save shows, the search indexes of the
    first build stay whole (they used to double with every save), and a broken link in the
    saved page is reported in the terminal."""
    project = make_site(tmp_path)
    page = project / "docs" / "manual" / "index.md"
    log = tmp_path / "serve.log"
    with make_serve(project, "-o", ".venv/.installed", log=log) as fetch:
        assert "114 14" in fetch("/", within=90)
        indexes = {path: fetch(path) for path in ("/search/search_index.json", "/en/search/search_index.json")}
        assert all(indexes.values())
        for edit in range(1, 4):
            marker = f"Sparad ändring nummer {edit}"
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}.\n", encoding="utf-8")
            assert _until(lambda marker=marker: marker in fetch("/manual/", within=5)), f"save {edit} did not show"
        assert {path: fetch(path) for path in indexes} == indexes
        page.write_text(page.read_text(encoding="utf-8") + '\n<a href="saknas/">fel</a>\n', encoding="utf-8")
        assert _until(lambda: "broken link saknas/" in log.read_text(encoding="utf-8")), log.read_text()[-3000:]


def test_make_serve_rebuilds_every_page_when_a_contact_changes(tmp_path):
    """A contact edited in data/ shows on the pages that show it, not only after a restart;
    the log says how saves are noticed (file events here)."""
    project = make_site(tmp_path)
    contacts = project / "data" / "contacts.yml"
    log = tmp_path / "serve.log"
    with make_serve(project, "-o", ".venv/.installed", log=log) as fetch:
        assert "Vardagar under kontorstid" in fetch("/", within=90)
        text = contacts.read_text(encoding="utf-8")
        text = text.replace("Vardagar under kontorstid", "Vardagar under kontorstid (nytt)")
        contacts.write_text(text.replace("Weekdays during office hours", "Weekdays during office hours (new)"),
                            encoding="utf-8")
        assert _until(lambda: "kontorstid (nytt)" in fetch("/", within=5)), log.read_text()[-3000:]
        assert "during office hours (new)" in fetch("/en/", within=5)
        rebuilds = log.read_text(encoding="utf-8").count("Detected file changes")
        page = project / "docs" / "manual" / "index.md"
        for edit in (1, 2):  # each build reads every file: were reads changes, builds would follow builds
            marker = f"Sparad efter kontakten {edit}"
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}.\n", encoding="utf-8")
            assert _until(lambda marker=marker: marker in fetch("/manual/", within=5)), log.read_text()[-3000:]
        assert log.read_text(encoding="utf-8").count("Detected file changes") == rebuilds + 2, \
            "make serve rebuilt with nothing saved (reading a file must not count as a change)"
    assert "Watching for saves by file events" in log.read_text(encoding="utf-8")


def test_make_serve_polls_when_asked(tmp_path):
    """POLL=1 keeps MkDocs' polling (for network drives and shared folders): saves still show."""
    project = make_site(tmp_path)
    page = project / "docs" / "manual" / "index.md"
    log = tmp_path / "serve.log"
    with make_serve(project, "-o", ".venv/.installed", "POLL=1", log=log) as fetch:
        assert "114 14" in fetch("/", within=90)
        page.write_text(page.read_text(encoding="utf-8") + "\nSparad under pollning.\n", encoding="utf-8")
        assert _until(lambda: "Sparad under pollning" in fetch("/manual/", within=5)), log.read_text()[-3000:]
    assert "Watching for saves by polling every 0.5 s (make serve POLL=1)" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("path, kind", [
    ("/home/stina/kunskapsbanken", "ext4"),
    ("/mnt/c/Users/stina/kunskapsbanken", "9p"),
    ("/mnt/c drive/kb", "drvfs"),
    ("/mnt/cdrom", "ext4"),
])
def test_the_file_system_of_a_folder_is_read_from_the_mount_table(tmp_path, path, kind):
    """Folders on 9p or drvfs (WSL's Windows drives) get polling: their changes make no events."""
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\nC:\\ /mnt/c 9p rw 0 0\n"
                      "D:\\ /mnt/c\\040drive drvfs rw 0 0\n", encoding="utf-8")
    assert watch.file_system(Path(path), mounts) == kind


def test_templates_are_compiled_once_per_process_and_again_when_edited(tmp_path, monkeypatch):
    """Every build (each language, each save in make serve) gets a new template environment;
    the shared cache spares the compiling, yet an edited template is never served stale."""
    cache, compiled = CompiledTemplates(), []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, *args, **kw: compiled.append(args[1]) or original(self, *args, **kw))
    template = tmp_path / "main.html"

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("main.html").render(name="Stina")

    template.write_text("Hej {{ name }}", encoding="utf-8")
    assert [render(), render()] == ["Hej Stina", "Hej Stina"]
    assert compiled == ["main.html"], "the second environment compiled the template again"
    template.write_text("Hejsan {{ name }}", encoding="utf-8")
    assert render() == "Hejsan Stina"


def test_a_page_left_out_of_the_navigation_fails_the_build(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / "vilse.md").write_text(_page("Vilse", "Ingen länkar hit."), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "out")
    assert result.returncode == 1
    assert "vilse.md" in result.stderr


def test_python_code_passes_the_linter():
    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "scripts", "tests"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_not_found_page_speaks_the_language_it_declares(built_site):
    """Material writes one 404 page per language build; each must be in its declared language."""
    for page, lang, heading in ((built_site / "404.html", "sv", "Sidan finns inte"),
                                (built_site / "en" / "404.html", "en", "Page not found")):
        assert html_lang(page) == lang
        text = page.read_text(encoding="utf-8")
        assert f"<h1>{heading}</h1>" in text, f"{page} does not say '{heading}'"
        assert "Not found" not in text or lang == "en"


def test_no_page_status_icon_without_a_name_in_the_navigation(built_site):
    """Material would draw an unexplained (i) for every page under review; the page says its
    status in words instead."""
    for page in (built_site / "index.html", built_site / "en" / "index.html"):
        assert "md-status" not in page.read_text(encoding="utf-8"), f"{page} has a status icon"


def test_start_page_has_task_cards_and_a_county_picker_that_needs_no_javascript(built_site, content):
    counties = [c for r in content.taxonomy.regions for c in r.counties]
    for prefix, lang in (("", "sv"), ("en/", "en")):
        html = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        cards = html.split('class="kb-tasks"')[1].split("</div>")[0]
        for target in ("manual/steg-1-identifiering/", "checklistor/", "kontakter/", "lagstiftning/", "metoder/"):
            assert f'href="{target}"' in cards, f"{prefix}index.html has no task card for {target}"
        picker = html.split("<details")[1].split("</details>")[0]
        for region in content.taxonomy.regions:
            for county in region.counties:
                assert f'<a href="kontakter/#region-{region.id}">{county.label.get(lang)}</a>' in picker
        assert picker.count("<li>") == len(counties)


def test_languages_are_linked_in_the_sitemap_not_in_the_head(built_site):
    """Search engines read each page's languages from the sitemap (a relative hreflang link
    in <head> is refused)."""
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="en" href="https://kunskapsbanken.example/en/manual/steg-1-identifiering/"' in sitemap
    for page in (built_site / "index.html", built_site / "en" / "manual" / "steg-1-identifiering" / "index.html"):
        assert "hreflang=" not in page.read_text(encoding="utf-8").split("</head>")[0]
    english = (built_site / "en" / "index.html").read_text(encoding="utf-8")
    assert 'role="dialog" aria-label="Search the site"' in english
