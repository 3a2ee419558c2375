"""Nothing a contributor writes can run script, load from another site or hide the quick exit.

The attack corpus (tests/fixtures/attack-corpus) holds one attack per line; its expected.txt,
compared line for line by test_content_model, says the exact problem kb check reports for
each. These tests add what that comparison cannot: that every attack line is reported, that
make check fails, that the build's own allowlist holds when kb check is skipped, and that
everything the real site legitimately writes passes the allowlist unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, add_page, assert_clean_run, kb, make_site, mkdocs_build, run
from kb.build import contact_cards
from kb.checks import allowlist
from kb.checks.html_safety import _renderer
from kb.model import text_rules

CORPUS = FIXTURES / "attack-corpus"
ATTACK = re.compile(r"<|\{|\]\(|\]:")  # a line that holds an attack, not prose around it


def corpus_project(tmp_path: Path) -> Path:
    return make_site(tmp_path, docs=CORPUS / "docs", data=CORPUS / "data")


def attack_lines() -> set[str]:
    found = set()
    for page in sorted((CORPUS / "docs").rglob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        body = lines.index("---", 1) + 1
        for number, line in enumerate(lines, start=1):
            if number > body and ATTACK.search(line) and not line.startswith("#"):
                found.add(f"{page.relative_to(CORPUS).as_posix()}:{number}")
    return found


def test_the_corpus_has_at_least_thirty_attacks_and_each_is_reported_at_its_line(tmp_path):
    result = kb("check", cwd=corpus_project(tmp_path))
    assert_clean_run(result)
    assert result.returncode == 1
    reported = {":".join(line.split(":")[:2]) for line in result.stdout.splitlines()[:-1]}
    attacks = attack_lines()
    assert len(attacks) >= 30, f"only {len(attacks)} attacks in the page bodies"
    assert attacks <= reported, f"attacks kb check did not report: {sorted(attacks - reported)}"
    for data_file in ("data/glossary.yml", "data/contacts.yml", "docs/angrepp/framsida.md"):
        assert any(line.startswith(data_file) for line in reported), f"no problem reported in {data_file}"


def test_make_check_fails_on_the_corpus(tmp_path):
    result = run(["make", "--no-print-directory", "-o", ".venv/.installed", "check"], corpus_project(tmp_path))
    assert result.returncode != 0
    assert "docs/angrepp/ra-html.md:12: <script> is not allowed in pages" in result.stdout


@pytest.mark.parametrize(("strict", "expect_code"), [(True, 1), (False, 0)])
def test_the_build_allowlists_a_page_even_when_kb_check_is_skipped(tmp_path, strict, expect_code):
    """KB_SKIP_CHECKS=1 leaves the content checks out: the build's allowlist still removes the
    script, stops a strict build naming the page, and only warns in a lenient one."""
    project = make_site(tmp_path)
    add_page(project, "ond.md", "---\ntitle: Ond\nsummary: Ett angrepp.\ntype: page\nowner: Redaktionen\n"
             "status: review\nlast_reviewed_on: 2026-11-01\n---\n\n# Ond\n\n<script>alert(1)</script>\n\n"
             '[Klicka](https://example.org/){ onclick="alert(1)" }\n')
    out = tmp_path / "site"
    mode = "--strict" if strict else "--no-strict"
    args = [str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--site-dir", str(out), mode]
    result = run(args, project, KB_SKIP_CHECKS="1")
    assert_clean_run(result)
    assert result.returncode == expect_code, result.stderr[-2000:]
    assert "docs/ond.md: <script> is not allowed in pages" in result.stderr
    if not strict:
        built = (out / "ond" / "index.html").read_text(encoding="utf-8")
        assert "alert(1)" not in built and "onclick" not in built


def test_front_matter_and_data_reach_templates_as_text(tmp_path):
    """Even unchecked, a title with markup is shown as text in the navigation and <title>."""
    project = make_site(tmp_path)
    add_page(project, "titel.md", '---\ntitle: <img src=x onerror=alert(1)> "citat"\nsummary: Titel.\ntype: page\n'
             "owner: Redaktionen\nstatus: review\nlast_reviewed_on: 2026-11-01\n---\n\n# Titel\n")
    out = tmp_path / "site"
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--no-strict", "--site-dir", str(out)], project,
                 KB_SKIP_CHECKS="1")
    assert result.returncode == 0, result.stderr[-2000:]
    built = (out / "titel" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in built and "&lt;img src=x onerror=alert(1)&gt;" in built


def test_everything_the_real_site_writes_passes_the_allowlist_unchanged(content):
    """Every page's Markdown: nothing removed, not a byte changed."""
    renderer = _renderer(ROOT)
    for page in content.pages:
        renderer.reset()
        html = renderer.convert(page.body)
        cleaned = allowlist.sanitize(html)
        assert cleaned.removed == () and cleaned.html == html, (page.rel, cleaned.removed)


def test_the_build_s_own_html_is_not_lent_to_pages(content):
    """Contact cards are written by the build after the allowlist has run: a page cannot
    write their classes, their data attributes or hidden itself."""
    card = contact_cards.contact_card(content, content.contacts.get("stodtelefonen"), "sv", date(2026, 11, 24))
    assert 'class="kb-contact"' in card and "data-review-by=" in card and " hidden" in card
    assert allowlist.sanitize(card).removed, "the allowlist would strip a card a page wrote itself"


LEGITIMATE = """\
!!! note "Bra att veta"
    En anmärkning.

??? warning "Öppna"
    Dolt innehåll.

| Vänster | Mitten | Höger |
| :--- | :---: | ---: |
| a | b | c |

- [ ] Ett tecken
- [x] Ett annat

En fotnot.[^1]

*[NMT]: Nationellt metodstödsteam

NMT arbetar här. [Till manualen](../manual/index.md) och [en annan webbplats](https://example.org/).

![Diagram](bild.png){ width="300" }

[^1]: Fotnotens text.

```python
print("kod")
```
"""


def test_every_kind_of_content_the_site_uses_survives(tmp_path):
    renderer = _renderer(ROOT)
    renderer.reset()
    html = renderer.convert(LEGITIMATE)
    cleaned = allowlist.sanitize(html)
    assert cleaned.removed == () and cleaned.html == html
    for expected in ('class="admonition note"', "<details", 'align="center"', 'type="checkbox"',
                     'class="footnote-ref"', '<abbr title="Nationellt metodstödsteam">', 'class="highlight"'):
        assert expected in html, expected


@pytest.mark.parametrize("url", ["java\tscript:alert(1)", "java&#x09;script:alert(1)", "&#106;avascript:alert(1)",
                                 " javascript:alert(1)", "\x01javascript:alert(1)", "javascript&colon;alert(1)"])
def test_a_disguised_script_address_is_still_a_script_address(url):
    from kb.model import urls

    assert urls.scheme(url) == "javascript"
    assert allowlist.sanitize(f'<p><a href="{url}">x</a></p>').removed


def test_the_build_data_escape_markup_only_when_there_is_some():
    from kb.model.schema import as_html_text

    assert as_html_text("The actors' responsibilities") == "The actors' responsibilities"
    assert as_html_text('<b onclick="x">') == "&lt;b onclick=&quot;x&quot;&gt;"


def test_the_site_still_needs_its_quick_exit_id_and_config_id():
    """The ids pages may not take are the ones the theme and kb.js look up."""
    main = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    script = (ROOT / "overrides" / "assets" / "kb.js").read_text(encoding="utf-8")
    assert 'id="kb-quick-exit"' in main and "kb-quick-exit" in script
    assert allowlist.RESERVED_ID.match("kb-quick-exit") and allowlist.RESERVED_ID.match("__config")


def test_only_pages_images_and_pdfs_are_published_from_docs(tmp_path):
    project = make_site(tmp_path)
    assert kb("check", cwd=project).returncode == 0
    (project / "docs" / "bilder").mkdir()
    (project / "docs" / "bilder" / "karta.png").write_bytes(b"\x89PNG\r\n")
    (project / "docs" / "bilder" / "ond.js").write_text("alert(1)", encoding="utf-8")
    (project / "docs" / "sida.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (project / "docs" / "ikon.SVG").write_text("<svg onload=alert(1)/>", encoding="utf-8")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    flagged = sorted(line.split(":")[0] for line in result.stdout.splitlines() if "is published as it is" in line)
    assert flagged == ["docs/bilder/ond.js", "docs/ikon.SVG", "docs/sida.html"]


def _with_check_digit(nine: str) -> str:
    """The tenth digit that makes the Luhn sum of a personal number fit (made here, so no
    such number is written in this repository)."""
    return next(nine + d for d in "0123456789" if text_rules.check_digit_fits(nine + d))


def test_a_personal_identity_number_on_a_page_is_refused_at_its_line(tmp_path):
    """A number that is one (date and check digit fit, with or without the century, or a
    coordination number, day + 60) is a problem at its line in kb check and the build;
    one whose check digit does not fit, or an organisation number, is not."""
    person = _with_check_digit("900101123")
    coordination = _with_check_digit("900161123")
    wrong = person[:-1] + str((int(person[-1]) + 1) % 10)
    organisation = _with_check_digit("556000123")
    project = make_site(tmp_path)
    body = (f"Kvinnan, {person[:6]}-{person[6:]}, kom i mars.\n\nSamordningsnummer 19{coordination}.\n\n"
            f"Ärende {wrong[:6]}-{wrong[6:]} och organisationsnummer {organisation[:6]}-{organisation[6:]}.\n")
    add_page(project, "fall.md", "---\ntitle: Ett fall\nsummary: Ett fall.\ntype: page\nowner: Redaktionen\n"
             f"status: vetted\nlast_reviewed_on: 2026-11-01\n---\n\n# Ett fall\n\n{body}")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    found = [line for line in result.stdout.splitlines() if "personal identity" in line]
    assert [line.split(": ")[0] for line in found] == ["docs/fall.md:12", "docs/fall.md:14"], result.stdout
    assert result.returncode == 1
    assert "never publish one" in found[0] and person not in result.stdout, "the message does not repeat it"
    build = mkdocs_build(project, tmp_path / "site")
    assert build.returncode == 1 and "docs/fall.md:12: this looks like a personal identity" in build.stderr
    (project / "docs" / "fall.md").write_text((project / "docs" / "fall.md").read_text(encoding="utf-8")
                                              .replace(person[:6], "[borttaget]").replace(coordination, "x"),
                                              encoding="utf-8")
    assert kb("check", cwd=project).returncode == 0
