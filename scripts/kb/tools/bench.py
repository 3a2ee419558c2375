"""Benchmarks, measured rather than assumed (never timed tests, which flake on shared machines).

Search: the time from loading a page to the first search result in headless Chromium,
median over several queries, per language. Scale: a synthetic corpus of N methods built
with and without the project's hooks, checked, measured and searched, and searched in the
bare build too (the theme's own worker, which builds its index in the reader's browser on
every page load), so that the two searches are compared on the same corpus in one run:
each query three times, the two builds taking turns query by query.
Lighthouse: the performance score on a phone of the pages people open first, served by
deploy/nginx.conf as production serves them.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from kb.build import search_worker
from kb.model import translations
from kb.model.load import load
from kb.model.site import load_site
from kb.tools import bench_search, browser, lighthouse, nginx, process_memory, scaffold

#: At scale, each query is asked this many times on each build: a single page load on a
#: shared machine varies by a fifth.
SEARCH_ROUNDS = 3

QUERIES = {"sv": ["reflektionstid", "människohandel", "stödtelefon", "barn", "koppleri"],
           "en": ["reflection period", "trafficking", "helpline", "children", "interpreter"]}

#: Runs in the page before its own scripts. Once the page has loaded (a reader could type
#: now), the whole query goes into the theme's search box at once; the page's own clock
#: (milliseconds since the navigation started) notes when the first result is drawn, so
#: neither typing key by key nor the test driver's round trips are counted.
_FIRST_RESULT = """
((query, limit) => {
  window.__kbFirstResult = new Promise((done) => addEventListener("load", () => {
    setTimeout(() => done(null), limit);
    const input = document.querySelector(".md-search__input");
    new MutationObserver((changes, watch) => {
      if (document.querySelector(".md-search-result__link")) { watch.disconnect(); done(performance.now()); }
    }).observe(document.body, {childList: true, subtree: true});
    input.focus();
    input.value = query;
    input.dispatchEvent(new KeyboardEvent("keyup", {key: "End"}));
  }));
})(%s, %d);
"""

#: The same once the index is ready (it has answered before): from the query entered to a result drawn.
_NEXT_RESULT = """
([query, limit]) => new Promise((done) => {
  const input = document.querySelector(".md-search__input");
  const start = performance.now();
  setTimeout(() => done(null), limit);
  const watch = new MutationObserver(() => {
    if (document.querySelector(".md-search-result__link")) { watch.disconnect(); done(performance.now() - start); }
  });
  watch.observe(document.body, {childList: true, subtree: true});
  input.value = query;
  input.dispatchEvent(new KeyboardEvent("keyup", {key: "End"}));
})
"""


#: How long a first search may take before the benchmark gives up on it. The theme's own
#: search builds its index in the reader's browser and took 27 s to over a minute at 10,000
#: methods, so a corpus that large gets more time (LIMIT_PER_PAGE_MS a method).
SEARCH_LIMIT_MS = 60_000
LIMIT_PER_PAGE_MS = 30


def search_limit_ms(pages: int) -> int:
    """The time a first search is given on a corpus of `pages` methods (see SEARCH_LIMIT_MS)."""
    return max(SEARCH_LIMIT_MS, pages * LIMIT_PER_PAGE_MS)


def search_latency(sites: list[Path], languages: tuple[str, ...], progress: bool,
                   rounds: int = 1, limit_ms: int = SEARCH_LIMIT_MS) -> list[dict[str, dict[str, float]]]:
    """For each site, per language, median milliseconds to the first result: from the start
    of loading a page to the first result of a query entered once the page has loaded (the
    index is fetched and made ready meanwhile), and from entering a query once the index is
    ready (it has answered a query before); and the worst of the first. Measured by the
    page's own clock in headless Chromium. Each query is asked `rounds` times, and the sites
    take turns query by query, so that a comparison sees the same machine state."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    servers = [browser.SiteServer(site_dir) for site_dir in sites]
    from_load = [{lang: [] for lang in languages} for _ in sites]
    when_ready = [{lang: [] for lang in languages} for _ in sites]
    try:
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            for _round in range(rounds):
                for lang in languages:
                    prefix = "/" if lang == languages[0] else f"/{lang}/"
                    for query in QUERIES.get(lang, QUERIES["en"]):
                        for number, server in enumerate(servers):
                            loaded, ready = _first_result(chromium, server.url(prefix), query, limit_ms)
                            if None in (loaded, ready):
                                raise RuntimeError(f"the search box of {sites[number].name} showed no result "
                                                   f"for '{query}' within {limit_ms / 1000:.0f} s")
                            from_load[number][lang].append(loaded)
                            when_ready[number][lang].append(ready)
                            if progress:
                                print(f"  {sites[number].name} {lang}: '{query}' first result {loaded:.0f} ms after "
                                      f"the page started loading, {ready:.0f} ms after entering it once the index "
                                      "was ready", file=sys.stderr)
            chromium.close()
    except PlaywrightError as exc:
        raise RuntimeError(f"the search benchmark stopped in Chromium: {str(exc).splitlines()[0]}") from None
    finally:
        for server in servers:
            server.close()
    return [{lang: {"load_to_first_result_ms": round(statistics.median(loads[lang]), 1),
                    "ready_to_first_result_ms": round(statistics.median(readies[lang]), 1),
                    "worst_load_to_first_result_ms": round(max(loads[lang]), 1)} for lang in languages}
            for loads, readies in zip(from_load, when_ready, strict=True)]


def _first_result(chromium, url: str, query: str, limit_ms: int) -> tuple[float | None, float | None]:
    """One fresh page: milliseconds from navigation to the first result of `query` entered
    at the load event, then from entering it again once the index is ready."""
    page = chromium.new_page()
    page.set_default_timeout(limit_ms)
    try:
        page.add_init_script(script=_FIRST_RESULT % (json.dumps(query), limit_ms))
        page.goto(url)
        loaded = page.evaluate("() => window.__kbFirstResult")
        page.fill(".md-search__input", "")
        page.keyboard.press("End")  # the key release the theme's search listens for
        page.wait_for_selector(".md-search-result__link", state="detached")
        return loaded, page.evaluate(_NEXT_RESULT, [query, limit_ms])
    finally:
        page.close()


def missing_tools(root: Path) -> list[str]:
    """What the benchmark runs that is not installed, each with how to install it."""
    missing = []
    if not browser.CHROMIUM.exists():
        missing.append(f"Chromium at {browser.CHROMIUM} (apt-get install chromium)")
    if not nginx.NGINX.exists():
        missing.append("nginx (apt-get install nginx)")
    if not lighthouse.program(root).exists():
        missing.append("Lighthouse (make setup, which runs npm ci)")
    if not bench_search.pagefind_available():
        missing.append(bench_search.MISSING)
    return missing


#: Lighthouse runs per page: a score must hold in every run, not on a lucky one.
LIGHTHOUSE_RUNS = 3


def lighthouse_audits(root: Path, site_dir: Path, languages: tuple[str, ...],
                      pages: tuple[str, ...] = lighthouse.PAGES, progress: bool = False,
                      runs: int = LIGHTHOUSE_RUNS) -> dict[str, dict[str, float]]:
    """Lighthouse on a phone (mobile preset) for each page in each language, by its path,
    with the site served by the project's nginx configuration, `runs` times: the worst
    performance score and the longest total blocking time (ms) of the runs."""
    found: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-nginx-") as scratch:
        try:
            with nginx.serve(root, site_dir, Path(scratch)) as origin:
                for lang in languages:
                    prefix = "/" if lang == languages[0] else f"/{lang}/"
                    for page in pages:
                        scores, blocking = [], []
                        for _run in range(runs):
                            report = lighthouse.audit(root, origin + prefix + page, ("performance",))
                            scores.append(lighthouse.scores(report)["performance"])
                            blocking.append(report["audits"]["total-blocking-time"]["numericValue"])
                        found[prefix + page] = {"performance": min(scores), "total_blocking_time_ms": max(blocking)}
                        if progress:
                            print(f"  Lighthouse {prefix + page}: performance {', '.join(f'{x:.2f}' for x in scores)} "
                                  f"(total blocking time {', '.join(f'{x:.0f}' for x in blocking)} ms)",
                                  file=sys.stderr)
        except (nginx.NginxUnavailable, lighthouse.LighthouseFailed) as exc:
            raise RuntimeError(str(exc)) from None
    return found


def lighthouse_performance(root: Path, site_dir: Path, languages: tuple[str, ...],
                           pages: tuple[str, ...] = lighthouse.PAGES, progress: bool = False,
                           runs: int = 1) -> dict[str, float]:
    """Lighthouse's worst performance score of `runs` on a phone, by page path."""
    audits = lighthouse_audits(root, site_dir, languages, pages, progress, runs)
    return {path: found["performance"] for path, found in audits.items()}


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


#: Share of the English methods recorded as up to date with their source; the rest carry
#: the outdated notice and stand in the translations table, as on a real site.
TRANSLATED = 0.9


def make_corpus(root: Path, target: Path, pages: int, today: date, seed: int = 7) -> Path:
    """A copy of the site with `pages` synthetic methods in both languages, made through
    the real template and scaffold, so the content model checks every one; most English
    pages are recorded as translated (`kb translations --record`)."""
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
        swedish = scaffold.new_method(site, taxonomy, title, region, areas, "sv", today)
        english = scaffold.new_method(site, taxonomy, title, region, areas, "en", today)
        _fill(swedish, rng, "sv")
        _fill(english, rng, "en")
    content = load(site)
    for page in content.valid_pages():
        if page.lang == "en" and page.meta.type == "method" and rng.random() < TRANSLATED:
            translations.record(page, content.page(page.key, "sv"))
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
      reconfigure_search: false  # as in mkdocs.yml: the same i18n work in both builds
      languages:
        - {locale: sv, name: Svenska, default: true, build: true}
        - {locale: en, name: English, build: true}
markdown_extensions: [abbr, admonition, attr_list, def_list, footnotes, md_in_html, tables, toc,
  pymdownx.details, pymdownx.superfences, pymdownx.tasklist]
"""


def _timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Seconds a command took and its peak memory in MB: the most its whole process tree held
    at once, the sum of its processes' PSS (kb.tools.process_memory), so that a page a
    forked process shares with the build counts once and work moved into another process
    still counts. Where /proc cannot say, the largest single process's peak RSS."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        sampled = process_memory.PeakPss(process.pid) if process_memory.available() else None
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        took = time.perf_counter() - start
        peak = sampled.stop() if sampled else usage.ru_maxrss / 1024
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command[:2])} failed in the benchmark corpus: "
                               f"{errors.read().decode('utf-8', 'replace')[-2000:]}")
    return took, peak


def largest_page(site_dir: Path) -> tuple[str, int]:
    """The built HTML page with the most bytes: its path in the site, and its size."""
    size, path = max((p.stat().st_size, p) for p in site_dir.rglob("*.html"))
    return path.relative_to(site_dir).as_posix(), size


def heaviest_catalogue_page(site_dir: Path) -> str | None:
    """The largest of the catalogue's listing pages in the default language, as a path for
    Lighthouse ("metoder/katalog/omrade-x/sida-2/"), or None when the catalogue has none."""
    pages = [p for p in (site_dir / "metoder" / "katalog").rglob("index.html")] \
        if (site_dir / "metoder" / "katalog").is_dir() else []
    if not pages:
        return None
    heaviest = max(pages, key=lambda p: p.stat().st_size)
    return heaviest.parent.relative_to(site_dir).as_posix() + "/"


#: From this many methods on, the build and the search are measured once by default: a
#: turn of both builds takes minutes there, and the run must stay under half an hour.
LARGE = 5000


def serve_reload(corpus: Path, env: dict, edits: int = 3, first_build_s: float = 200) -> float:
    """Median seconds from saving one method page to `make serve` (dirty reload) serving
    the change, on the corpus; the first full build is not counted."""
    import urllib.request

    port = browser.free_port()
    mkdocs = Path(sys.executable).parent / "mkdocs"
    server = subprocess.Popen([str(mkdocs), "serve", "--dirty", "--no-strict", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=corpus, env=dict(env, KB_DRAFTS="1"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    page = next(p for p in sorted((corpus / "docs" / "metoder").glob("*/metod-*.md")) if p.suffixes == [".md"])
    url = f"http://127.0.0.1:{port}/" + page.relative_to(corpus / "docs").as_posix().removesuffix(".md") + "/"

    def served(marker: str, within: float) -> float | None:
        start = time.perf_counter()
        while time.perf_counter() - start < within:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if marker in response.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        return None

    try:
        wait = max(600.0, 3 * first_build_s)  # its first build is a full one, and slower than `mkdocs build`
        if served("</html>", within=wait) is None:
            raise RuntimeError(f"mkdocs serve did not answer within {wait:.0f} s in the benchmark corpus")
        timings = []
        for edit in range(1, edits + 1):
            marker = f"Ändring {edit} i benchmark {time.time_ns()}"  # new on every run, never already there
            text = page.read_text(encoding="utf-8")
            page.write_text(text.rstrip("\n") + f"\n\n{marker}.\n", encoding="utf-8")
            took = served(marker, within=120)
            if took is None:
                raise RuntimeError("mkdocs serve did not show an edited page within 2 minutes")
            timings.append(took)
            time.sleep(1)  # let the watcher settle before the next save
        return statistics.median(timings)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def ratio_of_turns(builds: list[float], bare_builds: list[float]) -> float:
    """The median of each turn's ratio, not the ratio of the medians: the two builds of one
    turn run back to back and see the same machine state."""
    return statistics.median([ours / bare for ours, bare in zip(builds, bare_builds, strict=True)])


def build_at_scale(root: Path, pages: int, progress: bool, repeat: int | None = None, today: date | None = None,
                   lighthouse_pages: tuple[str, ...] = lighthouse.PAGES,
                   lighthouse_runs: int = LIGHTHOUSE_RUNS) -> dict:
    """Build, check and bare-build a synthetic corpus; one dict of measurements. The two
    builds take turns `repeat` times and the medians count: a shared machine's noise
    moves a single build by 10 to 30 percent. The ratio is the median of each turn's
    ratio, since the two builds of one turn run back to back on the same machine state.
    Without `repeat`: 5 turns, 1 from LARGE methods on. Each search query is asked as many
    times as the builds take turns, at most SEARCH_ROUNDS times."""
    repeat = repeat or (1 if pages >= LARGE else 5)
    rounds = min(repeat, SEARCH_ROUNDS)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1795478400")
    env.pop("KB_DRAFTS", None)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as scratch:
        corpus = make_corpus(root, Path(scratch) / "site-src", pages, today or date.today())
        if progress:
            print(f"  corpus: {pages} methods in two languages", file=sys.stderr)
        check_s, _ = _timed([str(bin_dir / "kb"), "check"], corpus, env)
        out = Path(scratch) / "out"
        (corpus / "bare.yml").write_text(BARE_CONFIG, encoding="utf-8")
        builds, bare_builds, peaks, bare_peaks = [], [], [], []
        for turn in range(1, repeat + 1):
            took, peak = _timed([str(bin_dir / "mkdocs"), "build", "--strict", "--site-dir", str(out)], corpus, env)
            builds.append(took)
            peaks.append(peak)
            took, peak = _timed([str(bin_dir / "mkdocs"), "build", "-f", "bare.yml", "--site-dir",
                                 str(Path(scratch) / "bare")], corpus, env)
            bare_builds.append(took)
            bare_peaks.append(peak)
            if progress:
                print(f"  build {turn}/{repeat}: {builds[-1]:.1f} s ({peaks[-1]:.0f} MB), bare {bare_builds[-1]:.1f} s "
                      f"({bare_peaks[-1]:.0f} MB)", file=sys.stderr)
        build_s, bare_s = statistics.median(builds), statistics.median(bare_builds)
        html = [p for p in out.rglob("*.html")]
        index = {lang: bench_search.index_sizes(out, "" if lang == "sv" else lang) for lang in ("sv", "en")}
        if progress:
            print("  searches, the site's and the bare build's (the theme's own search) in turn:", file=sys.stderr)
        failed: dict[str, str] = {}  # a stage that failed: the other figures are still reported
        try:
            first_result, bare_first = search_latency([out, Path(scratch) / "bare"], ("sv", "en"), progress, rounds,
                                                         search_limit_ms(pages))
        except RuntimeError as exc:
            failed["search"] = str(exc)
            first_result = bare_first = {lang: dict.fromkeys(("load_to_first_result_ms", "ready_to_first_result_ms"))
                                         for lang in ("sv", "en")}
        ours = {lang: v["load_to_first_result_ms"] for lang, v in first_result.items()}
        bare = {lang: v["load_to_first_result_ms"] for lang, v in bare_first.items()}
        # a first search's bytes as the browser fetched them, and Pagefind over the same corpus, in turns
        ours_again, pagefind = bench_search.measure(
            [bench_search.site_harness("site", out, ("sv", "en"), search_worker.TARGET),
             bench_search.pagefind_harness(out, ("sv", "en"))], ("sv", "en"), QUERIES, rounds, progress)
        bare_index = (Path(scratch) / "bare" / "search" / "search_index.json").read_bytes()
        largest, largest_bytes = largest_page(out)
        heaviest = heaviest_catalogue_page(out)
        audited = (*lighthouse_pages, *([heaviest] if heaviest and heaviest not in lighthouse_pages else []))
        audits = lighthouse_audits(root, out, ("sv", "en"), audited, progress, lighthouse_runs)
        phone = {path: found["performance"] for path, found in audits.items()}
        catalogue = {path: found for path, found in audits.items() if "metoder/" in path}
        try:
            reload_s = round(serve_reload(corpus, env, first_build_s=build_s), 2)
        except RuntimeError as exc:
            failed["serve"] = str(exc)
            reload_s = None
        if progress:
            print(f"  make serve: an edited page shows after {reload_s} s", file=sys.stderr)
        return {
            "pages": pages,
            "html_pages": len(html),
            "build_s": round(build_s, 2),
            "bare_build_s": round(bare_s, 2),
            "ratio": round(ratio_of_turns(builds, bare_builds), 3),
            "build_runs_s": [round(x, 2) for x in builds],
            "bare_build_runs_s": [round(x, 2) for x in bare_builds],
            "check_s": round(check_s, 2),
            "bytes_per_page": round(sum(p.stat().st_size for p in html) / len(html)),
            "index_bytes_sv": index["sv"]["bytes"],
            "index_bytes_en": index["en"]["bytes"],
            "index_gzip_bytes_sv": index["sv"]["gzip_bytes"],
            "index_gzip_bytes_en": index["en"]["gzip_bytes"],
            "index_shards": index,
            "peak_rss_mb": round(max(peaks), 1),
            "bare_peak_rss_mb": round(max(bare_peaks), 1),
            "memory_ratio": round(max(peaks) / max(bare_peaks), 3),
            "largest_page": largest,
            "largest_page_bytes": largest_bytes,
            "first_search_bytes": {lang: v["first_search_bytes"] for lang, v in ours_again.items()},
            "pagefind_first_result_ms": {lang: v["first_result_ms"] for lang, v in pagefind.items()},
            "pagefind_first_search_bytes": {lang: v["first_search_bytes"] for lang, v in pagefind.items()},
            "search_to_pagefind": round(max(ours_again[lang]["first_result_ms"] / pagefind[lang]["first_result_ms"]
                                            for lang in pagefind), 3),
            "bare_index_gzip_bytes": len(gzip.compress(bare_index, mtime=0)),
            "search_first_result_ms": ours,
            "search_ready_to_result_ms": {lang: v["ready_to_first_result_ms"] for lang, v in first_result.items()},
            "bare_search_first_result_ms": bare,
            "search_ratio": None if "search" in failed else round(max(ours[lang] / bare[lang] for lang in ours), 3),
            "serve_reload_s": reload_s,
            "lighthouse_performance": phone,
            "lighthouse_performance_worst": min(phone.values()),
            "lighthouse_runs": lighthouse_runs,
            "lighthouse_catalogue": catalogue,
            "total_blocking_time_ms": {path: found["total_blocking_time_ms"] for path, found in audits.items()},
            "total_blocking_time_worst_ms": max(found["total_blocking_time_ms"] for found in audits.values()),
            "build_turns": repeat,
            "search_rounds": rounds,
            "failed": failed,
        }


def report_json(measured: dict) -> str:
    return json.dumps(measured, ensure_ascii=False)
