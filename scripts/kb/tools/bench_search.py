"""A first search as a reader's browser makes it, for `kb bench`: its time and its bytes.

Three searches over the same built corpus: the site's (its sharded index), the theme's own
(the bare build) and Pagefind's, which the benchmark runs over the built site (installed
from PyPI as the `bench` extra, never part of the site) and serves from the same local
server. A first search's bytes are the responses the browser fetched for it, the worker
included, each counted as nginx sends it (deploy/nginx.conf: the build's .gz where there
is one, else gzip for text types, else as it is). Pagefind's search box is its own UI, put
on a copy of the site's start page in place of the site's search, so both are measured on
the same page.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kb.build import search_file
from kb.tools import browser

#: Text types nginx compresses as it sends them (deploy/nginx.conf gzip_types).
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

#: Runs in the page before its own scripts: once the page has loaded, the whole query goes
#: into the search box at once, and the page's own clock notes when a first result is drawn.
_FIRST_RESULT = """
(([query, input, result, event]) => {
  window.__kbFirstResult = new Promise((done) => addEventListener("load", () => {
    setTimeout(() => done(null), 60000);
    const box = document.querySelector(input);
    new MutationObserver((changes, watch) => {
      if (document.querySelector(result)) { watch.disconnect(); done(performance.now()); }
    }).observe(document.body, {childList: true, subtree: true});
    box.focus();
    box.value = query;
    box.dispatchEvent(event === "keyup" ? new KeyboardEvent("keyup", {key: "End"}) : new Event(event));
  }));
})(%s);
"""


@dataclass(frozen=True)
class Harness:
    """How to search one served site: the page per language, the box, a result, the event
    the box listens for, and which of the fetched paths are its search's."""

    name: str
    site_dir: Path
    pages: dict[str, str]
    input: str
    result: str
    event: str
    counted: tuple[str, ...]  # path prefixes (after the language's folder) that count

    def counts(self, path: str, prefix: str) -> bool:
        return any(path.startswith(prefix + part) or path.startswith("/" + part) for part in self.counted)


def site_harness(name: str, site_dir: Path, languages: tuple[str, ...], worker: str) -> Harness:
    """A Material site's search box on each language's start page: the worker and the search folder count."""
    return Harness(name, site_dir, {lang: "/" if lang == languages[0] else f"/{lang}/" for lang in languages},
                   ".md-search__input", ".md-search-result__link", "keyup", (worker, "search/"))


def sent_bytes(site_dir: Path, path: str) -> int:
    """What nginx sends for a path of the built site."""
    file = site_dir / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    zipped = file.with_name(file.name + ".gz")
    if zipped.is_file():
        return zipped.stat().st_size
    body = file.read_bytes()
    return len(gzip.compress(body, compresslevel=6, mtime=0)) if file.suffix in COMPRESSED else len(body)


def first_search(chromium, server: browser.SiteServer, harness: Harness, lang: str,
                 query: str) -> tuple[float | None, int]:
    """One fresh page: milliseconds from navigation to the first result of `query` entered at
    the load event, and the bytes of the search's responses up to then."""
    context = chromium.new_context()
    fetched: list[str] = []
    context.on("response", lambda response: fetched.append(response.url.removeprefix(server.origin).split("?")[0]))
    page = context.new_page()
    try:
        page.add_init_script(script=_FIRST_RESULT % json.dumps([query, harness.input, harness.result, harness.event]))
        page.goto(server.url(harness.pages[lang]))
        took = page.evaluate("() => window.__kbFirstResult")
        prefix = harness.pages[lang]
        return took, sum(sent_bytes(harness.site_dir, path) for path in dict.fromkeys(fetched)
                         if harness.counts(path, prefix))
    finally:
        context.close()


def measure(harnesses: list[Harness], languages: tuple[str, ...], queries: dict[str, list[str]], rounds: int,
            progress: bool) -> list[dict[str, dict[str, float]]]:
    """For each harness, per language: the median milliseconds to a first result and the most
    bytes a first search fetched, over the queries asked `rounds` times, the harnesses taking
    turns query by query (they see the same machine state)."""
    from playwright.sync_api import sync_playwright

    servers = [browser.SiteServer(harness.site_dir) for harness in harnesses]
    times = [{lang: [] for lang in languages} for _ in harnesses]
    sizes = [{lang: [] for lang in languages} for _ in harnesses]
    try:
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            for _round in range(rounds):
                for lang in languages:
                    for query in queries.get(lang) or next(iter(queries.values())):
                        for number, (harness, server) in enumerate(zip(harnesses, servers, strict=True)):
                            took, size = first_search(chromium, server, harness, lang, query)
                            if took is None:
                                raise RuntimeError(f"{harness.name} showed no result for '{query}' within a minute")
                            times[number][lang].append(took)
                            sizes[number][lang].append(size)
                            if progress:
                                print(f"  {harness.name} {lang}: '{query}' first result {took:.0f} ms, "
                                      f"{size:,} bytes", file=sys.stderr)
            chromium.close()
    finally:
        for server in servers:
            server.close()
    return [{lang: {"first_result_ms": round(statistics.median(took[lang]), 1), "first_search_bytes": max(size[lang])}
             for lang in languages} for took, size in zip(times, sizes, strict=True)]


# --- Pagefind over the built corpus ------------------------------------------------------

MISSING = "Pagefind (make setup, which installs pagefind-bin-extended from requirements.lock)"

#: Pagefind's search box, its files served locally from the site's pagefind/ folder.
PAGEFIND_HEAD = ('<link rel="stylesheet" href="/pagefind/pagefind-ui.css">'
                 '<script src="/pagefind/pagefind-ui.js"></script>')
PAGEFIND_BOX = '<div id="pagefind-search"></div>'
PAGEFIND_START = 'new PagefindUI({element: "#pagefind-search", showSubResults: true, debounceTimeoutMs: 0});\n'
PAGEFIND_PAGE = "index-pagefind.html"

_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
_HOOK = re.compile(r'<script src="[^"]*kb-search-hook\.js"></script>')
_WORKER = re.compile(r'("search": *")[^"]*(")')
_BODY = re.compile(r"(<body[^>]*>)")


def pagefind_available() -> bool:
    try:
        import pagefind_bin_extended  # noqa: F401
    except ImportError:
        return False
    return True


def pagefind_page(start_page: str) -> str:
    """The site's start page with Pagefind's search box instead of the site's search: the
    same page to load, so the two searches are compared as a reader meets them. The
    theme's search gets a worker that does nothing, and the page's policy goes (Pagefind
    compiles WebAssembly, which the site's policy does not allow)."""
    page = _POLICY.sub("", start_page, count=1)
    page = _HOOK.sub("", page, count=1)
    page = _WORKER.sub(r"\g<1>/pagefind-bench/idle.js\g<2>", page, count=1)
    page = page.replace("</head>", PAGEFIND_HEAD + "</head>", 1)
    page = _BODY.sub(r"\g<1>" + PAGEFIND_BOX, page, count=1)
    return page.replace("</body>", '<script src="/pagefind-bench/start.js"></script></body>', 1)


def pagefind_harness(site_dir: Path, languages: tuple[str, ...]) -> Harness:
    """Index the built site with Pagefind (its content, `article`, as Material marks it) and
    write each language's start page with Pagefind's box beside it; returns how to search it."""
    if not pagefind_available():
        raise RuntimeError(f"Pagefind is not installed: {MISSING}")
    shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site_dir),
                           "--root-selector", "article"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind failed on the benchmark corpus: {done.stderr[-2000:]}")
    scripts = site_dir / "pagefind-bench"
    scripts.mkdir(exist_ok=True)
    (scripts / "start.js").write_text(PAGEFIND_START, encoding="utf-8")
    (scripts / "idle.js").write_text("", encoding="utf-8")
    pages = {}
    for lang in languages:
        folder = "" if lang == languages[0] else f"{lang}/"
        start = (site_dir / folder / "index.html").read_text(encoding="utf-8")
        (site_dir / folder / PAGEFIND_PAGE).write_text(pagefind_page(start), encoding="utf-8")
        pages[lang] = f"/{folder}{PAGEFIND_PAGE}"
    return Harness("pagefind", site_dir, pages, ".pagefind-ui__search-input", ".pagefind-ui__result-link", "input",
                   ("pagefind/",))


# --- the index on disk -------------------------------------------------------------------

def index_sizes(site_dir: Path, prefix: str) -> dict[str, int]:
    """A language's index as the build wrote it: all of it, raw and gzip, the manifest's
    gzip, and the shards' count and largest gzip."""
    folder = site_dir / prefix / "search"
    files = [folder / "search_index.json", folder / search_file.DATA,
             *sorted((folder / search_file.SHARDS).glob("*.json"))]
    zipped = {file: sent_bytes(site_dir, file.relative_to(site_dir).as_posix()) for file in files}
    shards = [size for file, size in zipped.items() if file.parent.name == search_file.SHARDS]
    return {"bytes": sum(file.stat().st_size for file in files), "gzip_bytes": sum(zipped.values()),
            "manifest_gzip_bytes": zipped[folder / search_file.DATA], "shards": len(shards),
            "largest_shard_gzip_bytes": max(shards, default=0)}

