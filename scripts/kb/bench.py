"""Benchmarks, measured rather than assumed (never timed tests, which flake on shared machines).

Search: the time from loading a page to the first search result in headless Chromium,
median over several queries, per language.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from . import browser

QUERIES = {"sv": ["reflektionstid", "människohandel", "stödtelefon", "barn", "koppleri"],
           "en": ["reflection period", "trafficking", "helpline", "children", "pimping"]}


def search_latency(site_dir: Path, languages: tuple[str, ...], progress: bool) -> dict[str, dict[str, float]]:
    """Per language: median and worst milliseconds from page load start to the first result,
    and from typing the query (index ready) to the first result."""
    from playwright.sync_api import sync_playwright

    server = browser.SiteServer(site_dir)
    results: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            for lang in languages:
                prefix = "/" if lang == languages[0] else f"/{lang}/"
                from_load, from_query = [], []
                for query in QUERIES.get(lang, QUERIES["en"]):
                    page = chromium.new_page()
                    start = time.perf_counter()
                    page.goto(server.url(prefix))
                    page.keyboard.press("/")
                    page.wait_for_function("document.querySelector('.md-search__input') !== null")
                    typed = time.perf_counter()
                    page.keyboard.type(query)
                    page.wait_for_selector(".md-search-result__link", timeout=30000)
                    done = time.perf_counter()
                    from_load.append((done - start) * 1000)
                    from_query.append((done - typed) * 1000)
                    page.close()
                    if progress:
                        print(f"  {lang}: '{query}' first result after {from_load[-1]:.0f} ms", file=sys.stderr)
                results[lang] = {"load_to_first_result_ms": round(statistics.median(from_load), 1),
                                 "query_to_first_result_ms": round(statistics.median(from_query), 1),
                                 "worst_load_to_first_result_ms": round(max(from_load), 1)}
            chromium.close()
    finally:
        server.close()
    return results
