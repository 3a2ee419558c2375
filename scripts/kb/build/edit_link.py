""""Suggest a change" on every page: GitHub's editor for the page's own source file.

An English page leads to its .en.md; a fallback page (an English reader, a Swedish page) to
the Swedish file, with a note that says so. A generated page (the catalogue, the contacts
directory…) has none: what a reader sees there comes from data/, not from its file.
overrides/partials/kb-edit-link.html shows it.
"""

from __future__ import annotations

from kb.model.load import Content
from kb.model.repository import Repository


def target(content: Content, key: str, lang: str, file_lang: str, repository: Repository | None) -> dict | None:
    """{url, fallback} for the page built in `lang` from the file in `file_lang`, or None."""
    page = content.page(key, file_lang)
    if repository is None or page is None or page.meta is None or page.meta.generated:
        return None
    return {"url": repository.edit_url(page.rel), "fallback": file_lang != lang}
