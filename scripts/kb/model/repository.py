"""The GitHub repository contributions go to, declared once in mkdocs.yml as `extra.repository`.

Not `repo_url`: with it, the theme asks GitHub's API for the repository's stars and forks on
every page, a request to another site that readers must never make. Here the build only
writes links: to GitHub's editor for a page's own file ("Suggest a change") and to its
"create new file" page (the share page). Nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)/?$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")


class RepositoryError(ValueError):
    """extra.repository says something this module cannot use; the message says what to write."""


@dataclass(frozen=True)
class Repository:
    url: str  # https://github.com/<owner>/<name>
    branch: str
    decided: bool  # false while the address is a placeholder (`kb check --release` lists it)

    def _address(self, action: str, path: str) -> str:
        return f"{self.url}/{action}/{quote(self.branch)}/{quote(path)}"

    def edit_url(self, path: str) -> str:
        """GitHub's editor for a file (path from the project's root, e.g. docs/index.md)."""
        return self._address("edit", path)

    def file_url(self, path: str) -> str:
        return self._address("blob", path)

    def new_file_url(self, folder: str) -> str:
        """GitHub's "create new file" page in a folder; the share page adds ?filename=&value=."""
        return self._address("new", folder.strip("/"))


def from_extra(extra: Mapping | None) -> Repository | None:
    """extra.repository of mkdocs.yml, or None when it is not declared."""
    declared = extra.get("repository") if isinstance(extra, Mapping) else None
    if declared is None:
        return None
    if not isinstance(declared, Mapping):
        raise RepositoryError("mkdocs.yml: extra.repository should be 'url:', 'branch:' and 'decided:' lines")
    url, branch = str(declared.get("url") or ""), str(declared.get("branch") or "main")
    if not _GITHUB.match(url):
        raise RepositoryError(f"mkdocs.yml: extra.repository's url '{url}' is not a GitHub repository's address: "
                              "write https://github.com/<owner>/<name>")
    if not _BRANCH.match(branch) or ".." in branch:
        raise RepositoryError(f"mkdocs.yml: extra.repository's branch '{branch}' is not a branch name")
    return Repository(url.rstrip("/"), branch, declared.get("decided") is True)
