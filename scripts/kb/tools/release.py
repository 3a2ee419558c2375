"""`kb check --release`: everything that must be replaced before the site goes live.

Not part of `make check` (a preview site may carry placeholders); the deploy workflow runs
it. Each item is a `path:line: message` saying what to put there: the site's address, the
publisher, the repository contributions go to, example addresses in pages and data, placeholder reviewer teams, and the
accessibility statement until it is vetted.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kb.model.load import Content
from kb.model.problems import Problem
from kb.model.repository import RepositoryError, from_extra
from kb.model.site import read_config
from kb.model.urls import RESERVED


def problems(content: Content) -> list[Problem]:
    site = content.site
    config = read_config(site.root)
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    release = extra.get("release") if isinstance(extra.get("release"), dict) else {}
    config_lines = (site.root / "mkdocs.yml").read_text(encoding="utf-8").split("\n")
    found: list[Problem] = []

    def config_line(key: str) -> int | None:
        return next((n for n, line in enumerate(config_lines, 1) if line.lstrip().startswith(f"{key}:")), None)

    site_url = str(config.get("site_url") or "")
    host = urlsplit(site_url).hostname or ""
    if not host or RESERVED.fullmatch(host):
        found.append(Problem("mkdocs.yml", config_line("site_url"),
                             f"site_url '{site_url}' is a placeholder: set the site's real address"))
    name, email, decided = site.publisher
    if not decided:
        found.append(Problem("mkdocs.yml", config_line("publisher"),
                             f"the publisher ('{name}', {email}) is not decided: set extra.publisher's name and "
                             "e-mail, then decided: true"))
    try:
        repository = from_extra(extra)
    except RepositoryError as exc:
        found.append(Problem("mkdocs.yml", config_line("repository"), str(exc).removeprefix("mkdocs.yml: ")))
    else:
        if repository is not None and not repository.decided:
            found.append(Problem("mkdocs.yml", config_line("repository"),
                                 f"the repository ({repository.url}, branch {repository.branch}) is a placeholder: "
                                 "set extra.repository's url and branch to where contributions go, then "
                                 "decided: true"))
    for path in sorted([*site.docs_dir.rglob("*.md"), *site.data_dir.glob("*.yml")]):
        found += _reserved_addresses(path, content)
    found += _placeholder_owners(site.root / ".github" / "CODEOWNERS", release.get("placeholder_owners") or [])
    statement = release.get("accessibility_statement")
    page = content.page(statement, site.default_language) if statement else None
    if page is not None and page.meta is not None and page.meta.status != "vetted":
        found.append(Problem(page.rel, page.line_of("status"),
                             "the accessibility statement is not vetted: complete every part DIGG requires, then "
                             "set status: vetted"))
    return found


def _reserved_addresses(path: Path, content: Content) -> list[Problem]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), start=1):
        if path.suffix == ".yml" and line.lstrip().startswith("#"):
            continue  # a comment that tells contributors to use example addresses
        for match in RESERVED.finditer(line):
            found.append(Problem(content.rel(str(path.relative_to(content.site.root))), number,
                                 f"'{match.group(0)}' is an example address: put the real one here"))
    return found


def _placeholder_owners(codeowners: Path, placeholders: list[str]) -> list[Problem]:
    if not codeowners.is_file() or not placeholders:
        return []
    found = []
    for number, line in enumerate(codeowners.read_text(encoding="utf-8").split("\n"), start=1):
        if line.lstrip().startswith("#"):
            continue
        owners = [owner for owner in line.split()[1:] if any(owner.startswith(p) for p in placeholders)]
        if owners:
            found.append(Problem(".github/CODEOWNERS", number, f"{', '.join(owners)} is a placeholder team: name "
                                                              "your organisation's reviewers"))
    return found
