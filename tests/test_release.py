"""kb check --release: what must be replaced before the site goes live, and nothing else."""

from __future__ import annotations

from conftest import BIN, ROOT, assert_clean_run, kb, make_site, run


def test_todays_site_lists_its_placeholders():
    result = kb("check", "--release", cwd=ROOT)
    assert_clean_run(result)
    assert result.returncode == 1
    assert "mkdocs.yml:5: site_url 'https://kunskapsbanken.example/' is a placeholder" in result.stdout
    assert "the publisher ('Redaktionen för Kunskapsbanken', redaktionen@kunskapsbanken.example) is not decided" \
        in result.stdout
    assert ".github/CODEOWNERS:4: @kunskapsbanken/redaktionen is a placeholder team" in result.stdout
    line = next(n for n, text in enumerate((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\n"), 1)
                if text.strip() == "repository:")
    assert (f"mkdocs.yml:{line}: the repository (https://github.com/kunskapsbanken/kunskapsbanken, branch main) is a "
            "placeholder: set extra.repository's url and branch") in result.stdout
    assert "docs/om/tillganglighet.md:6: the accessibility statement is not vetted" in result.stdout


def test_a_site_ready_to_go_live_passes_and_an_example_address_fails_it(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("https://kunskapsbanken.example/", "https://127.0.0.1/")
    text = text.replace("email: redaktionen@kunskapsbanken.example", 'email: ""').replace("decided: false",
                                                                                        "decided: true")
    config.write_text(text, encoding="utf-8")
    statement = project / "docs" / "om" / "tillganglighet.md"
    statement.write_text(statement.read_text(encoding="utf-8").replace("status: review", "status: vetted", 1),
                         encoding="utf-8")
    ready = kb("check", "--release", cwd=project)
    assert ready.returncode == 0, ready.stdout
    assert "nothing to replace" in ready.stdout
    page = project / "docs" / "om" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSkriv till info@region.example.\n", encoding="utf-8")
    planted = kb("check", "--release", cwd=project)
    assert planted.returncode == 1
    assert "docs/om/index.md:" in planted.stdout and "'info@region.example' is an example address" in planted.stdout


def test_the_release_list_is_not_part_of_make_check_but_of_the_deploy():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ncheck: setup\n", 1)[1].split("\n\n", 1)[0]
    assert "--release" not in recipe
    assert "kb check --release" in (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")


def test_the_repository_is_listed_until_decided_and_must_be_a_github_address(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    decided = text.replace("branch: main\n    decided: false", "branch: main\n    decided: true")
    assert decided != text
    config.write_text(decided, encoding="utf-8")
    result = kb("check", "--release", cwd=project)
    assert "the repository" not in result.stdout and "extra.repository" not in result.stdout
    config.write_text(decided.replace("https://github.com/kunskapsbanken/kunskapsbanken",
                                      "https://gitlab.example/kb"), encoding="utf-8")
    wrong = kb("check", "--release", cwd=project)
    assert_clean_run(wrong)
    assert wrong.returncode == 1
    assert "extra.repository's url 'https://gitlab.example/kb' is not a GitHub repository's address" in wrong.stdout
    built = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")], project)
    assert built.returncode != 0 and "is not a GitHub repository's address" in built.stdout + built.stderr
