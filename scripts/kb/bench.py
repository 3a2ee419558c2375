"""Benchmarks, measured rather than assumed (never timed tests, which flake on shared machines).

Search: the time from loading a page to the first search result in headless Chromium,
median over several queries, per language. Scale: a synthetic corpus of N methods built
with and without the project's hooks, checked, measured and searched.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import browser, scaffold
from .load import load
from .site import load_site

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


# --- build at scale ---------------------------------------------------------------------

WORDS = {
    "sv": ("socialtjänsten polisen samverkan stöd skydd barn vuxna ärende rutin utbildning tolk samtal region "
           "kommun misstanke tecken uppföljning kontakt säkerhet boende hälsa ansvar plan metod erfarenhet").split(),
    "en": ("social services police cooperation support protection children adults case routine training "
           "interpreter conversation region municipality suspicion signs follow-up contact safety housing health "
           "responsibility plan method experience").split(),
}
COPIED = ("mkdocs.yml", "data", "docs", "overrides", "scripts", "node_modules", "lychee.toml")


def _text(rng: random.Random, lang: str, sentences: int) -> str:
    words = WORDS[lang]
    out = []
    for _ in range(sentences):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 16)))
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def _fill(path: Path, rng: random.Random, lang: str) -> None:
    """Replace each placeholder as a coordinator would: ids where ids are asked for, text elsewhere."""
    text = path.read_text(encoding="utf-8")
    ids = {"vuxna, barn": "vuxna", "sexuell-exploatering, tvangsarbete": "sexuell-exploatering",
           "vilka aktörer": "polisen", "the actors taking part": "polisen"}

    def replace(match: re.Match) -> str:
        hint = match.group(1)
        for start, value in ids.items():
            if hint.startswith(start):
                return value
        return _text(rng, lang, 1 if match.group(0).startswith('"') or "mening" in hint or "sentence" in hint else 4)

    path.write_text(re.sub(r"<REQUIRED: ([^>]*)>", replace, text), encoding="utf-8")


def make_corpus(root: Path, target: Path, pages: int, seed: int = 7) -> Path:
    """A copy of the site with `pages` synthetic methods in both languages, made through
    the real template and scaffold, so the content model checks every one."""
    target.mkdir(parents=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__") if name != "node_modules" else None)
        elif source.is_file():
            shutil.copy2(source, target / name)
    site = load_site(target)
    taxonomy = load(site).taxonomy
    rng = random.Random(seed)
    regions = taxonomy.ids("regions")
    for number in range(1, pages + 1):
        region = regions[number % len(regions)]
        areas = [str(rng.randint(1, 8)) for _ in range(rng.randint(1, 3))]
        title = f"Metod {number:05d} {rng.choice(WORDS['sv'])}"
        swedish = scaffold.new_method(site, taxonomy, title, region, areas, "sv")
        english = scaffold.new_method(site, taxonomy, title, region, areas, "en")
        _fill(swedish, rng, "sv")
        _fill(english, rng, "en")
    return target


BARE_CONFIG = """site_name: Bench
docs_dir: docs
theme:
  name: material
  language: sv
  font: false
not_in_nav: |
  /metoder/*/
plugins:
  - search
  - i18n:
      docs_structure: suffix
      reconfigure_material: true
      reconfigure_search: true
      languages:
        - {locale: sv, name: Svenska, default: true, build: true}
        - {locale: en, name: English, build: true}
markdown_extensions: [abbr, admonition, attr_list, def_list, footnotes, md_in_html, tables, toc,
  pymdownx.details, pymdownx.superfences, pymdownx.tasklist]
"""


def _timed(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed in the benchmark corpus: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def build_at_scale(root: Path, pages: int, progress: bool) -> dict:
    """Build, check and bare-build a synthetic corpus; one dict of measurements."""
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1795478400")
    env.pop("KB_DRAFTS", None)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as scratch:
        corpus = make_corpus(root, Path(scratch) / "site-src", pages)
        if progress:
            print(f"  corpus: {pages} methods in two languages", file=sys.stderr)
        check_s = _timed([str(bin_dir / "kb"), "check"], corpus, env)
        out = Path(scratch) / "out"
        build_s = _timed([str(bin_dir / "mkdocs"), "build", "--strict", "--site-dir", str(out)], corpus, env)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if progress:
            print(f"  build: {build_s:.1f} s, check: {check_s:.1f} s", file=sys.stderr)
        (corpus / "bare.yml").write_text(BARE_CONFIG, encoding="utf-8")
        bare_s = _timed([str(bin_dir / "mkdocs"), "build", "-f", "bare.yml", "--site-dir", str(Path(scratch) / "bare")],
                        corpus, env)
        html = [p for p in out.rglob("*.html")]
        index = {lang: (out / ("" if lang == "sv" else lang) / "search" / "search_index.json").read_bytes()
                 for lang in ("sv", "en")}
        first_result = search_latency(out, ("sv", "en"), progress)
        return {
            "pages": pages,
            "html_pages": len(html),
            "build_s": round(build_s, 2),
            "bare_build_s": round(bare_s, 2),
            "ratio": round(build_s / bare_s, 3),
            "check_s": round(check_s, 2),
            "bytes_per_page": round(sum(p.stat().st_size for p in html) / len(html)),
            "index_bytes_sv": len(index["sv"]),
            "index_bytes_en": len(index["en"]),
            "index_gzip_bytes_sv": len(gzip.compress(index["sv"], mtime=0)),
            "index_gzip_bytes_en": len(gzip.compress(index["en"], mtime=0)),
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "search_first_result_ms": {lang: v["load_to_first_result_ms"] for lang, v in first_result.items()},
        }


def report_json(measured: dict) -> str:
    return json.dumps(measured, ensure_ascii=False)
