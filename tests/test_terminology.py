"""One term per concept in each language (data/terms.yml), checked on every page."""

from __future__ import annotations

from conftest import assert_clean_run, kb, make_site


def _append(page, text: str) -> int:
    """Add a line at the end of a page; its line number."""
    lines = page.read_text(encoding="utf-8").rstrip("\n").split("\n")
    page.write_text("\n".join([*lines, "", text]) + "\n", encoding="utf-8")
    return len(lines) + 2


def test_a_discouraged_term_is_reported_in_its_language_only(tmp_path):
    project = make_site(tmp_path)
    swedish, english = project / "docs" / "om" / "index.md", project / "docs" / "om" / "index.en.md"
    sv_line = _append(swedish, "Offret har rätt till reflektionstid.")
    en_line = _append(english, "The first hours are about acute protection.")
    synonym = _append(swedish, "Betänketid (som ibland kallas reflektionstid) är 30 dagar.")  # named once: fine
    other = _append(english, "The Swedish word reflektionstid is not checked on an English page.")
    link = _append(swedish, "Läs [mer](../lagstiftning/uppehallstillstand-och-reflektionstid.md#reflektionstid).")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    reported = set(result.stdout.splitlines())
    assert (f'docs/om/index.md:{sv_line}: use "betänketid" instead of "reflektionstid" (data/terms.yml: one term '
            "per concept, so readers do not take them for two)") in reported
    assert (f'docs/om/index.en.md:{en_line}: use "immediate protection" instead of "acute protection" '
            "(data/terms.yml: one term per concept, so readers do not take them for two)") in reported
    assert not any(line.startswith((f"docs/om/index.md:{synonym}:", f"docs/om/index.en.md:{other}:",
                                    f"docs/om/index.md:{link}:"))
                   for line in reported)


def test_the_shipped_site_uses_the_house_terms(content):
    from datetime import date

    from kb.checks import terminology
    from kb.checks.scope import Scope

    assert list(terminology.check(content, Scope(date(2026, 11, 24)))) == []
