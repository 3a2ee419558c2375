"""The way off MkDocs: ProperDocs builds the same site, and `kb compare-engines` says when not."""

from __future__ import annotations

import pytest

from conftest import assert_clean_run, kb, make_site
from kb.tools.engines import differences

pytestmark = pytest.mark.slow


def test_properdocs_builds_the_same_site_as_mkdocs(tmp_path):
    result = kb("compare-engines", cwd=make_site(tmp_path))
    assert_clean_run(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no files differ" in result.stdout


def test_a_difference_between_the_engines_fails_and_names_the_file(tmp_path):
    """A hook that writes which engine built the page makes every page differ."""
    project = make_site(tmp_path)
    (project / "engine_mark.py").write_text(
        "from kb.build import compat\n\n"
        "def on_post_page(output, page, config):\n"
        "    return output.replace('</body>', f'<!-- {compat.engine()} --></body>') if page.is_homepage else output\n",
        encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - engine_mark.py\n", 1),
                      encoding="utf-8")
    result = kb("compare-engines", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    assert "site/index.html: differs between mkdocs and properdocs beyond the generator tag" in result.stdout


def test_only_the_generator_tag_may_differ(tmp_path):
    left, right = tmp_path / "mkdocs", tmp_path / "properdocs"
    for folder, engine, body in ((left, "mkdocs-1.6.1", "Hej"), (right, "mkdocs-ProperDocs 1.6.7", "Hej")):
        (folder / "a").mkdir(parents=True)
        (folder / "a" / "index.html").write_text(f'<meta name="generator" content="{engine}"><p>{body}</p>')
    assert differences(left, right) == []
    (right / "a" / "index.html").write_text('<meta name="generator" content="x"><p>Hallå</p>')
    (right / "extra.html").write_text("")
    assert differences(left, right) == ["a/index.html", "extra.html"]
