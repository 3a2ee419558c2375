"""Shared test helpers: project copies in temporary folders, and running kb and mkdocs."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.tools.browser import free_port

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent
LANGUAGES = ("sv", "en")  # mkdocs.yml's, for fixture projects that list their own pages
TODAY = "2026-12-07"  # fixed 'today' for every check the tests run


def env(**extra: str) -> dict[str, str]:
    values = dict(os.environ, KB_TODAY=TODAY, NO_MKDOCS_2_WARNING="1",
                  PYTHONWARNINGS="error::DeprecationWarning,error::PendingDeprecationWarning")  # they fail the suite
    values.update(extra)
    return values


def make_site(tmp_path: Path, docs: Path | None = None, data: Path | None = None) -> Path:
    """A copy of the project's site sources (docs and data replaced when given) that
    `make` works in: the Makefile and lock are copied, the set-up .venv is shared."""
    site = tmp_path / "project"
    site.mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy2(ROOT / name, site / name)
    (site / ".venv").symlink_to(ROOT / ".venv")
    shutil.copy2(ROOT / "mkdocs.yml", site / "mkdocs.yml")
    shutil.copytree(docs or ROOT / "docs", site / "docs")
    shutil.copytree(ROOT / "data", site / "data")
    if docs:  # other pages than the site's: the site's register and the glossary's citations of it do not apply
        register = site / "data" / "sources.yml"
        text = register.read_text(encoding="utf-8")
        register.write_text(text[: text.index("\nsources:") + 1] + "sources:\n", encoding="utf-8")
        glossary = site / "data" / "glossary.yml"
        glossary.write_text(re.sub(r"\[\[source:[^\]]*\]\]", "", glossary.read_text(encoding="utf-8")),
                            encoding="utf-8")
        _navigation_of_the_pages(site)
    if data:
        shutil.copytree(data, site / "data", dirs_exist_ok=True)
    for shared in ("overrides", "scripts"):
        (site / shared).symlink_to(ROOT / shared)
    return site


def _navigation_of_the_pages(site: Path) -> None:
    """A project of other pages lists them in its navigation, as a real one would (a page in
    no section is one the strict build refuses, and kb check says so)."""
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("\nnav:\n") + len("\nnav:\n")
    rest = text[start:].split("\n")
    length = next(i for i, line in enumerate(rest) if not line.startswith((" ", "-")))
    suffixes = tuple(f".{lang}.md" for lang in LANGUAGES)
    pages = sorted(p.relative_to(site / "docs").as_posix() for p in (site / "docs").rglob("*.md")
                   if p.is_file() and not p.name.endswith(suffixes))
    pages = [page for page in pages if not re.match(r"metoder/[^/]+/", page)]  # not_in_nav: the catalogue's
    listed = "".join(f"  - {page}\n" for page in pages)
    config.write_text(text[:start] + listed + "\n".join(rest[length:]), encoding="utf-8")


def add_page(project: Path, name: str, text: str) -> None:
    """Add a page to a project copy and to its navigation (pages left out of the nav fail the build)."""
    (project / "docs" / name).write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nnav:\n", f"\nnav:\n  - {name}\n", 1),
                      encoding="utf-8")


@contextlib.contextmanager
def make_serve(project: Path, *make_args: str, log: Path | None = None):
    """`make serve` on a free port of 127.0.0.1; yields a function that fetches a path once the
    server answers (or returns "" after `within` seconds). The server is stopped afterwards.
    Its terminal output goes to `log` when given."""
    port = free_port()
    output = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    server = subprocess.Popen(["make", "--no-print-directory", *make_args, "serve", f"ADDR=127.0.0.1:{port}"],
                              cwd=project, env=env(), stdout=output, stderr=subprocess.STDOUT,
                              start_new_session=True)

    def fetch(path: str, within: float = 60) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                    return response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        return ""

    try:
        yield fetch
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if log:
            output.close()


def run(args: list[str], cwd: Path, timeout: int = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=timeout)


def kb(*args: str, cwd: Path = ROOT, **extra: str) -> subprocess.CompletedProcess:
    return run([str(BIN / "kb"), *args], cwd, **extra)


def mkdocs_build(project: Path, out: Path, *extra_args: str) -> subprocess.CompletedProcess:
    return run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(out), *extra_args], project)


def assert_clean_run(result: subprocess.CompletedProcess) -> None:
    """Whatever the outcome, the user never sees a Python traceback."""
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.fixture(scope="session")
def content():
    """The shipped content model, loaded once."""
    from kb.model import load
    from kb.model.site import load_site

    return load.load(load_site(ROOT))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once for every test that reads its output."""
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


#: Methods in the large catalogue's corpus: more than the start page lists itself.
LARGE_CATALOGUE = 130


@pytest.fixture(scope="session")
def large_catalogue(tmp_path_factory) -> Path:
    """The site with LARGE_CATALOGUE synthetic methods (kb bench's corpus), built once: its
    catalogue is split into listing pages."""
    import datetime as dt

    from kb.build import catalogue
    from kb.tools import bench

    assert LARGE_CATALOGUE > catalogue.START_LIMIT
    scratch = tmp_path_factory.mktemp("large-catalogue")
    corpus = bench.make_corpus(ROOT, scratch / "project", LARGE_CATALOGUE, dt.date.fromisoformat(TODAY))
    out = scratch / "site"
    result = mkdocs_build(corpus, out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out
