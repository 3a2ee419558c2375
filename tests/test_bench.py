"""kb bench's arithmetic, without a browser: a score must hold in every Lighthouse run, so
the worst run counts (the browser tests run kb bench itself, with one run per page)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from kb.tools import bench, lighthouse, nginx


def test_lighthouse_audits_keep_the_worst_score_and_the_longest_blocking_time(monkeypatch, tmp_path):
    runs = iter([(0.97, 120.0), (0.81, 90.0), (0.99, 400.0),  # the start page: three runs
                 (1.0, 10.0), (0.96, 30.0), (0.98, 20.0)])  # the English start page
    audited = []

    def audit(root: Path, url: str, categories: tuple[str, ...]) -> dict:
        audited.append(url)
        score, blocking = next(runs)
        return {"categories": {"performance": {"score": score}},
                "audits": {"total-blocking-time": {"numericValue": blocking}}}

    @contextlib.contextmanager
    def serve(root: Path, site: Path, folder: Path, port: int | None = None):
        yield "http://127.0.0.1:1"

    monkeypatch.setattr(lighthouse, "audit", audit)
    monkeypatch.setattr(nginx, "serve", serve)
    found = bench.lighthouse_audits(tmp_path, tmp_path, ("sv", "en"), ("",), runs=3)
    assert audited == ["http://127.0.0.1:1/"] * 3 + ["http://127.0.0.1:1/en/"] * 3
    assert found == {"/": {"performance": 0.81, "total_blocking_time_ms": 400.0},
                     "/en/": {"performance": 0.96, "total_blocking_time_ms": 30.0}}


def test_a_first_search_gets_more_time_on_a_large_corpus():
    """The theme's own search took 27 s to over a minute at 10,000 methods."""
    assert bench.search_limit_ms(1000) == bench.SEARCH_LIMIT_MS
    assert bench.search_limit_ms(10_000) >= 5 * 60_000


def test_the_build_ratio_is_the_median_of_each_turns_ratio():
    # turns of 2.0, 1.0 and 3.0; the medians' ratio would be 20 / 20 = 1.0
    assert bench.ratio_of_turns([10.0, 20.0, 90.0], [5.0, 20.0, 30.0]) == 2.0
