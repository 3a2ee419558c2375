"""Issue 31, for a reader outside Sweden: labels in the reader's language, and every number
on an English page in the form that can be dialled from abroad or marked where it cannot."""

from __future__ import annotations

import re

from kb.model.schema import Taxonomy


def _english_pages(built_site):
    return {path.relative_to(built_site).as_posix(): path.read_text(encoding="utf-8")
            for path in (built_site / "en").rglob("*.html")}


def test_no_english_page_says_redaktionen(built_site):
    """The owner, who verified a contact, who to ask about a method and the publisher are
    roles from data/taxonomy.yml, shown in the reader's language."""
    pages = _english_pages(built_site)
    assert len(pages) > 50
    assert [path for path, text in pages.items() if "Redaktionen" in text] == []
    assert "by the editorial team." in pages["en/kontakter/index.html"]


def test_a_role_reads_in_the_readers_language_and_an_unknown_one_as_written(content):
    taxonomy: Taxonomy = content.taxonomy
    assert taxonomy.role("Redaktionen", "en") != "Redaktionen"
    assert taxonomy.role("Redaktionen", "sv") == "Redaktionen"
    assert taxonomy.role(taxonomy.role("Redaktionen", "en"), "sv") == "Redaktionen"
    assert taxonomy.role("Regionkoordinator Syd", "en") == "Regionkoordinator Syd"
    assert re.fullmatch(r"[^<>]+", taxonomy.role("Redaktionen", "en"))
