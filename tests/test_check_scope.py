"""Freshness where it belongs: a pull request is judged on what it touches, the weekly run on everything."""

from __future__ import annotations

import subprocess

import pytest

from conftest import TODAY, assert_clean_run, kb, make_site

OLD = "2020-01-01"  # long overdue on the tests' fixed day (conftest.TODAY)


def git(project, *words: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *words], cwd=project,
                   check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path):
    """A project whose main branch has an overdue page and an overdue contact, then a branch."""
    project = make_site(tmp_path)
    privacy = project / "docs" / "om" / "integritet.md"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("last_reviewed_on: 2026-11-24",
                                                                   f"last_reviewed_on: {OLD}", 1), encoding="utf-8")
    contacts = project / "data" / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    start = text.index("  - id: polisen")
    contacts.write_text(text[:start] + text[start:].replace("verified_on: 2026-11-24", f"verified_on: {OLD}", 1),
                        encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "docs", "data", "mkdocs.yml")
    git(project, "commit", "-q", "-m", "base")
    git(project, "checkout", "-q", "-b", "change")
    return project


def test_a_change_elsewhere_is_not_blocked_by_someone_elses_overdue_page(repository):
    manual = repository / "docs" / "manual" / "index.md"
    manual.write_text(manual.read_text(encoding="utf-8") + "\nEn rättelse.\n", encoding="utf-8")
    everything = kb("check", cwd=repository)
    assert everything.returncode == 1, "kb check on its own still fails on everything overdue"
    assert "docs/om/integritet.md" in everything.stdout and "contact 'polisen'" in everything.stdout
    scoped = kb("check", "--changed-since", "main", cwd=repository)
    assert_clean_run(scoped)
    assert scoped.returncode == 0, scoped.stdout


def test_a_change_to_an_overdue_page_must_bring_its_review_date(repository):
    privacy = repository / "docs" / "om" / "integritet.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nEn rättelse.\n", encoding="utf-8")
    scoped = kb("check", "--changed-since", "main", cwd=repository)
    assert scoped.returncode == 1
    assert "docs/om/integritet.md" in scoped.stdout and "contact 'polisen'" not in scoped.stdout


def test_a_change_to_an_overdue_contact_must_verify_it(repository):
    contacts = repository / "data" / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    start = text.index("  - id: polisen")
    contacts.write_text(text[:start] + text[start:].replace("verified_by:", "verified_by: ", 1), encoding="utf-8")
    scoped = kb("check", "--changed-since", "main", cwd=repository)
    assert scoped.returncode == 1
    assert "contact 'polisen'" in scoped.stdout and "docs/om/integritet.md" not in scoped.stdout


def test_rules_not_about_dates_still_look_at_every_page(repository):
    manual = repository / "docs" / "manual" / "index.md"
    manual.write_text(manual.read_text(encoding="utf-8") + "\n<REQUIRED: text>\n", encoding="utf-8")
    git(repository, "commit", "-q", "-am", "a placeholder, committed on the base's side")
    git(repository, "branch", "-f", "main", "HEAD")
    assert kb("check", "--changed-since", "main", cwd=repository).returncode == 1


def test_an_unknown_base_is_a_usage_error(repository):
    result = kb("check", "--changed-since", "no-such-branch", cwd=repository)
    assert_clean_run(result)
    assert result.returncode == 2 and "--changed-since no-such-branch" in result.stderr


def test_the_weekly_freshness_run_fails_on_anything_overdue(repository):
    report = kb("freshness", cwd=repository)
    assert report.returncode == 0, "a report, not a gate, unless --strict"
    strict = kb("freshness", "--strict", cwd=repository)
    assert strict.returncode == 1 and "overdue" in strict.stdout
    assert kb("freshness", "--strict", "--today", "2020-01-02", cwd=repository).returncode == 0


def test_today_is_an_option_for_people(tmp_path):
    project = make_site(tmp_path)
    assert kb("check", "--today", TODAY, cwd=project).returncode == 0
    earlier = kb("check", "--today", "2026-11-23", cwd=project)
    assert earlier.returncode == 1 and "in the future" in earlier.stdout
    wrong = kb("check", "--today", "24/11/2026", cwd=project)
    assert wrong.returncode == 2 and "write it as YYYY-MM-DD" in wrong.stderr
