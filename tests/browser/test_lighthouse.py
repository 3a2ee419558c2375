"""Lighthouse on a phone (its mobile preset, Debian's Chromium), over deploy/nginx.conf as
production serves the site: accessibility, best practices and SEO 1.00 on the pages people
open first, in both languages. Performance is a timing, which a shared machine makes flaky:
`kb bench` measures it (README, Measurements); it is not asserted here.

The site is built with site_url set to the server's own origin, as in production, so the
absolute language links point where the pages are."""

from __future__ import annotations

import pytest

from browser.conftest import serve_with_nginx
from conftest import ROOT, mkdocs_build
from kb.tools import lighthouse
from kb.tools.browser import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TARGETS = {"accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lighthouse")
    port = free_port()
    project = folder / "project"
    project.mkdir()
    for name in ("docs", "data", "overrides", "scripts"):
        (project / name).symlink_to(ROOT / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = "\n".join(f"site_url: http://127.0.0.1:{port}/" if line.startswith("site_url:") else line
                       for line in config.split("\n"))
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = folder / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_with_nginx(site, folder, port) as origin:
        yield origin, folder


#: Besides kb bench's pages, in both languages: an exercise, whose script changes the page
#: (issue 33), in the default language only (its translation has the same markup).
PATHS = [*(prefix + page for prefix in ("", "en/") for page in lighthouse.PAGES),
         "ovningar/patienten-som-inte-far-tala-sjalv/"]


@pytest.fixture(scope="module")
def reports(production):
    """Every path's report, audited in one Chromium (the failure, if Lighthouse failed)."""
    origin, _ = production
    try:
        return dict(zip(PATHS, lighthouse.audit_many(ROOT, [f"{origin}/{path}" for path in PATHS], tuple(TARGETS)),
                        strict=True))
    except lighthouse.LighthouseFailed as exc:
        return exc


@pytest.mark.parametrize("path", PATHS)
def test_lighthouse_scores_on_a_phone(reports, path):
    if isinstance(reports, lighthouse.LighthouseFailed):
        pytest.fail(str(reports), pytrace=False)
    report = reports[path]
    scores = lighthouse.scores(report)
    for category, target in TARGETS.items():
        assert scores[category] >= target, (f"/{path}: {category} {scores[category]} < {target}; "
                                            f"failing: {lighthouse.failing_audits(report)}")
