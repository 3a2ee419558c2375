"""Translations: honest status, outdated detection, the right language on every text."""

from __future__ import annotations

import json
import re

from conftest import add_page, assert_clean_run, kb, make_site, mkdocs_build


def _status(project, key: str, lang: str = "en") -> dict:
    report = json.loads(kb("translations", "--json", cwd=project).stdout)
    return next(p for p in report["pages"] if p["key"] == key and p["lang"] == lang)


def test_shipped_translations_are_complete_and_current():
    result = kb("translations", "--strict")
    assert result.returncode == 0, result.stdout
    assert "0 missing, 0 outdated, 0 orphaned" in result.stdout


def test_editing_the_swedish_text_makes_the_english_page_outdated_until_recorded(tmp_path):
    project = make_site(tmp_path)
    source = project / "docs" / "manual" / "steg-2-akut-skydd.md"
    assert _status(project, "manual/steg-2-akut-skydd.md")["state"] == "translated"
    source.write_text(source.read_text(encoding="utf-8") + "\nEn ny mening i originalet.\n", encoding="utf-8")
    assert _status(project, "manual/steg-2-akut-skydd.md")["state"] == "outdated"
    strict = kb("translations", "--strict", cwd=project)
    assert strict.returncode == 1 and "docs/manual/steg-2-akut-skydd.en.md" in strict.stdout

    recorded = kb("translations", "--record", "docs/manual/steg-2-akut-skydd.en.md", cwd=project)
    assert recorded.returncode == 0, recorded.stderr
    assert _status(project, "manual/steg-2-akut-skydd.md")["state"] == "translated"
    assert kb("translations", "--strict", cwd=project).returncode == 0


def test_recorded_revisions_stay_text_when_they_look_like_numbers(tmp_path, monkeypatch):
    """A hash of digits only (or with a single e) reads as a number in YAML unless quoted."""
    from kb.model import load, translations
    from kb.model.site import load_site

    project = make_site(tmp_path)
    key = "manual/steg-2-akut-skydd.md"
    for looks_like_a_number in ("123456789012", "1234567e8901"):
        monkeypatch.setattr(translations, "revision", lambda page, value=looks_like_a_number: value)
        content = load.load(load_site(project))
        translations.record(content.page(key, "en"), content.page(key, "sv"))
        reloaded = load.load(load_site(project))
        assert not reloaded.problems, reloaded.problems
        assert reloaded.page(key, "en").meta.source_revision == looks_like_a_number


def test_a_change_to_dates_only_does_not_outdate_the_translation(tmp_path):
    project = make_site(tmp_path)
    source = project / "docs" / "manual" / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("last_reviewed_on: 2026-11-24",
                                                                 "last_reviewed_on: 2026-11-20"), encoding="utf-8")
    assert _status(project, "manual/index.md")["state"] == "translated"


def test_missing_and_orphaned_pages_are_reported(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / "yrken" / "polisen.en.md").unlink()
    orphan = project / "docs" / "om" / "gammal.en.md"
    orphan.write_text((project / "docs" / "om" / "index.en.md").read_text(encoding="utf-8")
                      .replace("title: About", "title: Old page"), encoding="utf-8")
    assert _status(project, "yrken/polisen.md")["state"] == "missing"
    assert _status(project, "om/gammal.md")["state"] == "orphaned"
    report = kb("translations", cwd=project)
    assert report.returncode == 0, "a report, not a gate, unless --strict"
    assert kb("translations", "--strict", cwd=project).returncode == 1


def test_record_refuses_what_is_not_a_translation(tmp_path):
    project = make_site(tmp_path)
    result = kb("translations", "--record", "docs/manual/index.md", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and "not a translation" in result.stderr


def _swedish_only_project(tmp_path):
    project = make_site(tmp_path)
    add_page(project, "bara-svenska.md", "---\ntitle: Bara på svenska\nsummary: Finns bara på svenska.\n"
             "type: page\nowner: Redaktionen\nstatus: review\nlast_reviewed_on: 2026-11-01\n---\n\n"
             "# Bara på svenska\n\nDen här texten finns bara på svenska.\n")
    return project


def test_a_swedish_only_page_built_for_english_shows_the_notice_and_lang_sv(tmp_path):
    project = _swedish_only_project(tmp_path)
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    html = (out / "en" / "bara-svenska" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    notice = re.search(r'<p class="kb-notice kb-fallback">(.*?)</p>', html, re.S).group(1)
    assert "has not been translated into English" in notice
    assert re.search(r'<a href="\.\./\.\./bara-svenska/" hreflang="sv">', notice)
    content = re.search(r'<div lang="sv">(.*?)</div>', html, re.S)
    assert content and "Den här texten finns bara på svenska." in content.group(1)
    swedish = (out / "bara-svenska" / "index.html").read_text(encoding="utf-8")
    assert "kb-fallback" not in swedish, "the Swedish page itself carries no notice"


def test_a_method_not_yet_translated_marks_its_english_facts_as_english(tmp_path):
    """The method's text is Swedish (lang="sv"), but the facts above it are in the reader's
    language, and say so: a screen reader reads each part with the right pronunciation."""
    project = make_site(tmp_path)
    (project / "docs" / "metoder" / "gemensamma" / "lokal-handlingsplan.en.md").unlink()
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    html = (out / "en" / "metoder" / "gemensamma" / "lokal-handlingsplan" / "index.html").read_text(encoding="utf-8")
    text = re.search(r'<div lang="sv">(.*)</div>', html, re.S).group(1)
    facts = re.search(r'<div class="kb-facts" lang="en">(.*?)</div>', text, re.S)
    assert facts and "Focus areas" in facts.group(1)


def test_an_outdated_translation_carries_a_notice(tmp_path):
    project = make_site(tmp_path)
    source = project / "docs" / "manual" / "index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nÄndrad text.\n", encoding="utf-8")
    out = tmp_path / "site"
    assert mkdocs_build(project, out).returncode == 0
    html = (out / "en" / "manual" / "index.html").read_text(encoding="utf-8")
    assert "The Swedish original has changed since this translation was made." in html
    assert "kb-outdated" not in (out / "en" / "manual" / "steg-1-identifiering" / "index.html").read_text()


def test_404_page_in_each_language(built_site):
    swedish = (built_site / "404.html").read_text(encoding="utf-8")
    english = (built_site / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="sv"' in swedish and "Lämna sidan snabbt" in swedish
    assert '<html lang="en"' in english and "Leave this site quickly" in english


def test_hreflang_alternates_point_to_the_same_page(built_site):
    """Each page's languages are in the sitemap (search engines refuse relative hreflang
    links in <head>, so the build leaves those out) and in the language switcher."""
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    entry = sitemap.split("<loc>https://kunskapsbanken.example/en/manual/steg-2-akut-skydd/</loc>")[1].split("</url>")[0]
    assert 'hreflang="sv" href="https://kunskapsbanken.example/manual/steg-2-akut-skydd/"' in entry
    assert 'hreflang="en" href="https://kunskapsbanken.example/en/manual/steg-2-akut-skydd/"' in entry
    html = (built_site / "en" / "manual" / "steg-2-akut-skydd" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../manual/steg-2-akut-skydd/" hreflang="sv"' in html, "the language switcher's link"


def test_a_third_language_needs_only_configuration_and_ui_strings(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "        - locale: en\n", "        - locale: de\n          name: Deutsch\n          build: true\n"
        "        - locale: en\n", 1), encoding="utf-8")
    ui = project / "data" / "ui.yml"
    text = ui.read_text(encoding="utf-8")
    for key, german in (("fallback_notice", "Diese Seite ist noch nicht ins Deutsche übersetzt."),
                        ("fallback_link", "Originalseite"), ("quick_exit", "Seite schnell verlassen")):
        text = re.sub(rf"(^{key}:\n(?:  .*\n)+)", lambda m, g=german: m.group(1) + f'  de: "{g}"\n', text, flags=re.M)
    ui.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    html = (out / "de" / "manual" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in html and "Seite schnell verlassen" in html
    assert "Diese Seite ist noch nicht ins Deutsche übersetzt." in html and '<div lang="sv">' in html
    report = json.loads(kb("translations", "--json", cwd=project).stdout)
    assert {p["state"] for p in report["pages"] if p["lang"] == "de"} == {"missing"}
    assert (out / "de" / "404.html").is_file()
