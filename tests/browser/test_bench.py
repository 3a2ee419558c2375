"""The benchmark runs and reports both languages (it measures; it does not judge): search,
and Lighthouse's performance on a phone (one page here, to keep the suite short)."""

from __future__ import annotations

import json
import time

import pytest

from conftest import BIN, ROOT, assert_clean_run, kb, make_site, run

pytestmark = pytest.mark.browser


def test_kb_bench_reports_search_latency_per_language(built_site, browser):
    result = kb("bench", "--site", str(built_site), "--json", "--lighthouse-page", "/manual/steg-1-identifiering/",
                "--lighthouse-runs", "1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    measured = report["search"]
    for lang in ("sv", "en"):
        assert measured[lang]["load_to_first_result_ms"] > 0
        assert measured[lang]["worst_load_to_first_result_ms"] >= measured[lang]["load_to_first_result_ms"]
        assert 0 < measured[lang]["ready_to_first_result_ms"] < measured[lang]["load_to_first_result_ms"]
    phone = report["lighthouse_performance"]
    assert set(phone) == {"/manual/steg-1-identifiering/", "/en/manual/steg-1-identifiering/"}
    assert all(0 < score <= 1 for score in phone.values()), phone
    assert report["lighthouse_performance_worst"] == min(phone.values())


def test_kb_bench_without_a_built_site_says_what_to_do(tmp_path):
    result = kb("bench", "--site", str(tmp_path))
    assert_clean_run(result)
    assert result.returncode == 2 and "make build" in result.stderr


def test_kb_bench_at_scale_reports_every_measure(browser):
    # builds, searches (the site's, the bare build's, Pagefind's) and Lighthouse: minutes on a busy machine
    result = run([str(BIN / "kb"), "bench", "--pages", "3", "--repeat", "1", "--json", "--lighthouse-page", "metoder",
                  "--lighthouse-runs", "1"],
                 ROOT, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("pages", "build_s", "bare_build_s", "ratio", "check_s", "bytes_per_page", "index_bytes_sv",
                "index_bytes_en", "peak_rss_mb", "bare_peak_rss_mb", "memory_ratio", "largest_page_bytes",
                "serve_reload_s"):
        assert measured[key] > 0, key
    assert measured["pages"] == 3
    assert len(measured["build_runs_s"]) == len(measured["bare_build_runs_s"]) == 1  # tests/test_bench.py: turns
    assert measured["ratio"] == pytest.approx(measured["build_s"] / measured["bare_build_s"], abs=0.01)
    assert measured["search_rounds"] == 1, "each query asked once, as the builds took one turn"
    for lang in ("sv", "en"):
        ours, bare = measured["search_first_result_ms"][lang], measured["bare_search_first_result_ms"][lang]
        assert ours > 0 and bare > 0 and measured["first_search_bytes"][lang] > 0
        assert measured["pagefind_first_result_ms"][lang] > 0 and measured["pagefind_first_search_bytes"][lang] > 0
        assert 0 < measured["index_shards"][lang]["manifest_gzip_bytes"] < measured["index_gzip_bytes_" + lang]
        assert 0 < measured["search_ready_to_result_ms"][lang] < ours
    worse = max(measured["search_first_result_ms"][lang] / measured["bare_search_first_result_ms"][lang]
                for lang in ("sv", "en"))
    assert measured["search_ratio"] == pytest.approx(worse, abs=0.001), "ours / bare's, the worse language"
    heaviest = measured["lighthouse_catalogue"].keys() - {"/metoder/", "/en/metoder/"}
    assert heaviest and all(path.startswith(("/metoder/katalog/", "/en/metoder/katalog/")) for path in heaviest), \
        "the catalogue's start and its heaviest listing page are audited"
    assert set(measured["lighthouse_performance"]) == set(measured["lighthouse_catalogue"])
    assert set(measured["total_blocking_time_ms"]) == set(measured["lighthouse_performance"])
    assert measured["total_blocking_time_worst_ms"] == max(measured["total_blocking_time_ms"].values())
    assert 0 < measured["lighthouse_performance_worst"] <= 1
    assert measured["largest_page"].endswith(".html")


@pytest.mark.parametrize("option", ["--pages", "--repeat", "--lighthouse-runs"])
def test_kb_bench_refuses_a_count_below_one(option):
    args = ["--pages", "3", "--repeat", "2", "--lighthouse-runs", "1"]
    args[args.index(option) + 1] = "0"
    result = kb("bench", *args)
    assert_clean_run(result)
    assert result.returncode == 2 and "must be 1 or more" in result.stderr


def test_kb_bench_says_what_is_missing_before_it_measures(tmp_path):
    """Without Lighthouse (a project copy with no node_modules) the benchmark stops at once,
    naming it and how to install it, instead of after minutes of builds."""
    project = make_site(tmp_path)
    started = time.monotonic()
    result = kb("bench", "--pages", "3", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and "kb bench needs Lighthouse (make setup, which runs npm ci)" in result.stderr
    assert time.monotonic() - started < 20, "said before measuring"
