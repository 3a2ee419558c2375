"""Every private attribute, undocumented file format and call order of the stack we rely on.

MkDocs, Material for MkDocs, mkdocs-static-i18n, pymdown-extensions, watchdog, Jinja and
lunr.py are used through their public interfaces everywhere else in kb. What they do not
promise is touched here and only here, each with the version it was tested with and a contract
test in tests/test_compat.py that fails with a message naming this module when an
upgrade changes it. MAINTAINING.md says what to do then, and how to move off Material.

This module (with kb.build) is the only one that imports mkdocs, material or
mkdocs_static_i18n.
"""

from __future__ import annotations

import gc
import html
import importlib.metadata
import json
import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import Abort as _Abort
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

#: The versions every contract below was tested with, and the range the build accepts
#: without a warning (same minor version). ProperDocs is MkDocs 1.6's maintained fork: the
#: build runs on either, and CI compares the two outputs.
TESTED = {
    "mkdocs": ("1.6.1", ">=1.6.1,<1.7"),
    "properdocs": ("1.6.7", ">=1.6.5,<1.7"),
    "mkdocs-material": ("9.8.1", ">=9.8.1,<9.9"),
    "mkdocs-static-i18n": ("1.3.1", ">=1.3.1,<1.4"),
    "pymdown-extensions": ("13.1", ">=13.1,<13.2"),
    "watchdog": ("7.1.0", ">=7.1,<7.2"),
    "jinja2": ("3.1.6", ">=3.1.6,<3.2"),
    "lunr": ("0.8.0", ">=0.8.0,<0.9"),
}

log = get_plugin_logger("kb")

#: What a hook raises to stop the build with a message (public MkDocs API, re-exported so
#: that nothing outside kb.build imports mkdocs).
BuildError = PluginError
#: What MkDocs' build raises when it stops (strict-mode warnings, a BuildError), once it
#: has logged why.
Abort = _Abort


def engine() -> str:
    """'properdocs' when ProperDocs runs the build (it answers imports of `mkdocs`), else 'mkdocs'."""
    import mkdocs

    return "properdocs" if mkdocs.__name__ == "properdocs" else "mkdocs"


def version_problems() -> list[str]:
    """One message per installed package outside its tested range, saying what to run."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    running = engine()
    problems = []
    for name, (tested, accepted) in TESTED.items():
        if name in ("mkdocs", "properdocs") and name != running:
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if Version(installed) not in SpecifierSet(accepted):
            problems.append(
                f"{name} {installed} is installed, but the build is tested with {tested} ({accepted}): "
                f"run `make setup` to install the pinned versions from requirements.lock; to move to "
                f"{installed}, run `.venv/bin/python -m pytest tests/test_compat.py`, mend what it reports in "
                f"scripts/kb/build/compat.py, then update TESTED there and requirements.lock")
    return problems


# --- call order -----------------------------------------------------------------------
# mkdocs-static-i18n 1.3.1 builds the default language, then, inside that build's
# on_post_build (priority -100), runs a whole build for each further language: on_config
# of the next language is called before the outer on_post_build returns. BuildSession
# counts that nesting. The combined search index is written at the end of the outermost
# on_post_build, so a hook that splits it must run after priority -100.

def further_languages(config) -> list[str]:
    """The languages static-i18n 1.3.1 builds after the default one (its build_languages,
    those with `build: true`), in order."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return []
    return [lang for lang in plugin.build_languages if lang != plugin.default_language]


def build_further_languages(config) -> None:
    """Build every further language as static-i18n 1.3.1 does at the end of the default
    language's build: its on_post_build runs one whole MkDocs build per language (with the
    site folder not cleaned), then writes the theme's index file. Called in a fork taken
    in the default language's on_files (kb.build.further_languages), so each further build
    starts from what the default one had chosen by then, as it does when nested. Its
    sitemap.xml, which the last language's build renders, names every page of every
    language by the file's `page`: nested, the default language's files have theirs by
    then, so here they are given theirs first (the sitemap reads only their addresses and
    the build date)."""
    plugin = config.plugins["i18n"]
    for file in plugin.i18n_files_per_language.get(plugin.default_language, []):
        if file.page is None:
            Page(None, file, config)
    plugin.on_post_build(config)


def replace_further_builds(replacement: Callable[..., None]) -> Callable[[], None]:
    """Make static-i18n 1.3.1's on_post_build call `replacement(config, dirty=…)` where it
    would build a further language (its module's `build`, imported from MkDocs); returns
    the function that puts MkDocs' build back."""
    import mkdocs_static_i18n.plugin as i18n

    original = i18n.build
    i18n.build = replacement

    def restore() -> None:
        i18n.build = original

    return restore


#: The priority of the hook that runs after static-i18n has built every language and
#: written the combined search index (static-i18n 1.3.1 uses -100).
after_every_language = event_priority(-200)
#: After every other plugin's on_page_content: what the allowlist judges is the page's
#: final HTML (MkDocs 1.6 runs hooks at priority 0 unless told otherwise).
last_of_page_content = event_priority(-300)
#: Before Material's search plugin splits a page into its index entries (its
#: on_page_context has the default priority, 0), as the page's pass of writing begins.
before_search_indexes = event_priority(50)
#: After static-i18n has chosen each language's files (its on_files runs at -100): a page
#: made in memory has no file on disk for it to pick in one language or the other.
after_language_files = event_priority(-150)


def generated_page(config, src_uri: str, markdown: str, lang: str, alternates: dict[str, str]):
    """A page MkDocs builds from Markdown made in memory (MkDocs 1.6's File.generated), kept
    out of the navigation as the methods are. static-i18n 1.3.1 points the theme's language
    selector at a page's `alternates` (by language, each with a `url`) when its File has a
    `locale`; without them the selector kept the previous page's links."""
    from types import SimpleNamespace

    from mkdocs.structure.files import File, InclusionLevel

    file = File.generated(config, src_uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV)
    file.locale = file.locale_alternate_of = lang
    file.alternates = {code: SimpleNamespace(url=url) for code, url in alternates.items()}
    return file


def build_language(config, default_language: str) -> str:
    """The language being built: static-i18n 1.3.1 (reconfigure_material) sets the theme's
    language to it for each language's build."""
    return config.theme.get("language") or default_language


def page_languages(page, default_language: str) -> tuple[str, str]:
    """(the language the page is built for, the language its file is written in). They
    differ for a fallback page. static-i18n 1.3.1 stores them on its File subclass as
    `locale_alternate_of` and `locale`; they are not part of MkDocs' File."""
    build = getattr(page.file, "locale_alternate_of", None) or default_language
    return build, getattr(page.file, "locale", None) or build


# --- a dirty rebuild in `make serve` ------------------------------------------------------


#: The front-matter key Material's navigation reads for a page-status icon (nav-item.html).
PAGE_STATUS_KEY = "status"


def hide_page_status_icon(meta: dict) -> None:
    """Material draws an icon in the navigation for a page's `status` (ours: draft, review,
    vetted) with no accessible name; the page itself says its status in words instead."""
    meta.pop(PAGE_STATUS_KEY, None)


#: static-i18n's links to the page in each language, in every page's <head>.
_ALTERNATE = re.compile(r'\n[ \t]*<link rel="alternate" href="([^"]*)" hreflang="([^"]+)">')


def drop_head_alternates(page_html: str) -> str:
    """The sitemap already gives search engines each page's languages (xhtml:link). In the
    <head> the links are relative, which search engines refuse, and the theme fetches a
    sitemap.xml beside each of them, which does not exist: so they go. Only the <head> is
    searched, and a match starts at a line's start: a pattern that could start at any
    whitespace took seconds of the build at 1,000 methods."""
    head, end, body = page_html.partition("</head>")
    return _ALTERNATE.sub("", head) + end + body


#: Material's search dialog, which has no accessible name (partials/search.html).
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def name_search_dialog(page_html: str, name: str) -> str:
    """Give Material's search dialog a name, so a screen reader says what it is for."""
    return page_html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{html.escape(name)}">', 1)


#: Material 9.8.1's markup of what name_controls completes: the two toggles (base.html), the
#: table of contents' toggle (partials/nav-item.html), the search form and its options
#: (partials/search.html) and the header's search button (partials/header.html).
_TOGGLES = {
    "drawer": '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off"',
    "search": '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off"',
    "toc": '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc"'}
_SEARCH_FORM = '<form class="md-search__form" name="search">'
_SEARCH_OPTIONS = re.compile(r'(<nav class="md-search__options" aria-label="[^"]*">)')
_SEARCH_BUTTON = re.compile(r'<label class="md-header__button md-icon" for="__search">.*?</label>', re.S)
_MAGNIFY = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 3A6.5 '
            '6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 '
            '16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>')


def name_controls(page_html: str, names: dict[str, str], index_url: str | None, index_text: str,
                  index_name: str, submit: str) -> str:
    """Make Material's controls whole: each toggle gets a name (`names` by "drawer",
    "search", "toc"); the search form a real submit button and, with `index_url` (the A–Ö
    page, relative to this page), an address that works without JavaScript; and the header a
    link to that page beside the search button, which kb.css shows only where the theme's
    script has not run (the search button needs it)."""
    e = html.escape
    for key, markup in _TOGGLES.items():
        if key in names:
            page_html = page_html.replace(markup, f'{markup} aria-label="{e(names[key])}"', 1)
    action = f' action="{e(index_url)}" method="get"' if index_url else ""
    page_html = page_html.replace(_SEARCH_FORM, _SEARCH_FORM[:-1] + action + ">", 1)
    button = (f'<button type="submit" class="md-search__icon md-icon kb-search-submit" title="{e(submit)}" '
              f'aria-label="{e(submit)}">{_MAGNIFY}</button>')
    page_html = _SEARCH_OPTIONS.sub(lambda m: m.group(1) + button, page_html, count=1)
    if index_url:
        link = (f'<a class="md-header__button kb-az-link" href="{e(index_url)}" aria-label="{e(index_name)}">'
                f"{e(index_text)}</a>")
        page_html = _SEARCH_BUTTON.sub(lambda m: m.group(0) + link, page_html, count=1)
    return page_html


#: The file the theme fetches beside the address of every <link rel="alternate"> in a
#: page's <head> (its language switcher looks the page up in it).
SITEMAP = "sitemap.xml"
_EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')


def empty_sitemap_beside_feeds(feeds_dir: Path) -> None:
    """The only <link rel="alternate"> a page has is its feed's: an empty sitemap beside the
    feeds answers the theme's request in a few bytes, where the site's sitemap (0.9 MB with
    1,000 methods) would be fetched and parsed on every page load, and none would be a 404
    in the console. The switcher needs no sitemap: its links already go to the same page in
    the other language."""
    feeds_dir.mkdir(parents=True, exist_ok=True)
    (feeds_dir / SITEMAP).write_text(_EMPTY_SITEMAP, encoding="utf-8")


def skip_site_wide_outputs(config) -> None:
    """In a dirty rebuild, leave the search index, sitemap.xml and 404.html of the first
    build alone. Material 9.8.1's search plugin keeps its index between builds and
    static-i18n adds every entry again, so the index doubled with every save; MkDocs 1.6.1
    renders the templates named in `theme.static_templates` (a set) on every build. Only
    for a dirty rebuild: MkDocs copies a template left out of that set as a static file
    (raw Jinja) unless the output already there is newer, as it is after the first build."""
    if "material/search" in config.plugins:
        config.plugins["material/search"].config.enabled = False
    config.theme.static_templates.difference_update({"sitemap.xml", "404.html"})


def mark_every_page_stale(site_dir: Path) -> None:
    """Make a dirty rebuild render every page. MkDocs 1.6.1's File.is_modified() renders a
    page in a dirty build only when its output is older than its source: date every built
    page back to 1970."""
    for page in site_dir.rglob("*.html"):
        os.utime(page, (0, 0))


def watch_with(server, observer) -> None:
    """Make MkDocs 1.6.1's live-reload server watch its paths with `observer` (watchdog
    7.1.0). Its watch() cannot be told which observer to use, so the paths it recorded in
    `_watched_paths` are scheduled again on the new `observer`."""
    watched = dict(server._watched_paths)  # noqa: SLF001
    server._watched_paths.clear()  # noqa: SLF001
    server._watch_refs.clear()  # noqa: SLF001
    server.observer = observer
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


# --- templates and memory -------------------------------------------------------------


def reuse_compiled_templates(env, cache) -> None:
    """MkDocs 1.6.1 makes a new Jinja environment for every build (and static-i18n builds
    once per language); Jinja 3.1.6 looks in `env.bytecode_cache` whenever it loads a
    template, so one cache kept for the process spares compiling them again."""
    env.bytecode_cache = cache


def keep_out_of_collector() -> None:
    """Everything alive now (the content model) lives as long as the build: CPython's
    gc.freeze() spares the collector from scanning it again on every collection."""
    gc.freeze()


def release_markdown(page) -> None:
    """MkDocs 1.6 renders every page of a language before it writes the first, and keeps
    each page's Markdown until the build ends, though nothing reads it once the HTML is made
    (on_page_content). Page.title reads it only to tell None (no source read) from a title,
    so it keeps an empty string."""
    page.markdown = ""


def put_away_html(html: str) -> bytes:
    """MkDocs 1.6 renders every page of a language (on_page_content ends that pass) before
    it writes the first, and keeps each page's HTML in `page.content` meanwhile; nothing
    reads it until the page's on_page_context. It is kept compressed instead, and the hook
    returns an empty string for `page.content` (not None, which Page.title reads as "not
    rendered")."""
    return zlib.compress(html.encode("utf-8"), 1)


def take_out_html(page, packed: bytes) -> None:
    """The page's HTML back, before the theme's search and templates read it."""
    page.content = zlib.decompress(packed).decode("utf-8")


def release_html(page) -> None:
    """Once the page is written (on_post_page) nothing reads its HTML again, though MkDocs
    1.6 keeps it until the build ends (and static-i18n's further languages are built inside
    the default language's build)."""
    page.content = ""


# --- Material's page and search formats -----------------------------------------------

#: Where Material 9.8.1's search plugin writes its index, relative to a language's folder.
SEARCH_INDEX = Path("search") / "search_index.json"


def read_search_index(path: Path) -> dict:
    """Material 9.8.1's index: {"config": {"lang": [...], "separator": ..., ...},
    "docs": [{"location", "title", "text", "tags"?}, ...]}."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_search_config(path: Path) -> dict:
    """The "config" of Material 9.8.1's index file, which it writes first, read without the
    entries after it (tens of MB at 10,000 methods)."""
    with path.open(encoding="utf-8") as file:
        start = file.read(65536)
    if start.startswith('{"config":'):
        try:
            return json.JSONDecoder().raw_decode(start, len('{"config":'))[0]
        except json.JSONDecodeError:
            pass  # longer than what was read
    return read_search_index(path)["config"]


def take_search_entries(config) -> list[dict] | None:
    """The entries Material 9.8.1's search plugin has made in this language's build since
    the last take, taken out of its list: its SearchIndex.entries, a new list for each build
    (its on_config), to which each page's on_page_context appends the page's sections as
    {"location", "title", "text", "tags"?}. The theme then writes an index file with its
    config and no entries (the build writes its own), and neither it nor static-i18n, which
    gathers every language's entries for a combined file, holds every page's text until the
    end of the build. None when the plugin is off (a dirty rebuild)."""
    plugin = config.plugins.get("material/search")
    if plugin is None or not plugin.config.enabled or not hasattr(plugin, "search_index"):
        return None
    entries = plugin.search_index.entries
    taken = entries[:]
    entries.clear()
    return taken


def write_search_index(path: Path, config: dict, docs: list[dict], lang: str, inline_script: bool) -> list[Path]:
    """Write one language's index in Material's format; the offline edition also gets the
    index as a script (Material 9.8.1's offline plugin names it search_index.js and its
    worker reads the variable `__index`). Returns the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"config": dict(config, lang=[lang]), "docs": docs}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(data, encoding="utf-8")
    if not inline_script:
        return [path]
    script = path.with_suffix(".js")
    script.write_text(f"var __index = {data}", encoding="utf-8")
    return [path, script]


#: The messages of Material 9.8.1's search worker protocol, by type: its page script starts
#: the worker named in __config's `search` (overrides/main.html names the site's own, which
#: speaks this protocol: overrides/assets/kb-search-worker.js), sends SETUP with the index
#: file's {config, docs, options}, then QUERY with the text typed; the worker answers READY,
#: then RESULT with {items: [[{location, title, text, score, terms}, ...], ...]}, one list
#: per page with the page's own entry among them.
SEARCH_MESSAGES = {"SETUP": 0, "READY": 1, "QUERY": 2, "RESULT": 3}

_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">[^<]*?"base":\s*")([^"]*)(")')


def search_in_language_folder(page_html: str, lang: str) -> str:
    """Point Material 9.8.1's search on a page in `lang` at that language's folder: the
    page's `<script id="__config">` JSON holds the `base` the search worker loads
    search/search_index.json from and links results into."""
    def rebase(match: re.Match) -> str:
        base = match.group(2).rstrip("/") or "."
        return f"{match.group(1)}{base}/{lang}/{match.group(3)}"

    return _CONFIG_BASE.sub(rebase, page_html, count=1)


def offline_enabled(config) -> bool:
    """Whether Material 9.8.1's offline plugin builds this site (`make offline`)."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def use_local_worker_polyfill(config, script: str) -> None:
    """Material 9.8.1's offline plugin adds iframe-worker from a CDN to `extra.polyfills`
    unless an entry there already names iframe-worker; base.html loads each as a script."""
    config.extra["polyfills"] = [script]


#: The element Material 9.8.1 wraps a page's own content in (its navigation, header and
#: footer are outside it): the link check judges cross-language links only inside it.
CONTENT_ELEMENT = "article"

#: A task list item as pymdown-extensions 13.1's tasklist (custom_checkbox: false) writes it.
TASK_ITEM = re.compile(
    r'<li class="task-list-item">\s*<input type="checkbox" disabled(?:="disabled")?\s*/?>(.*?)</li>', re.S)


# --- the Content-Security-Policy: the inline scripts the theme writes ---------------------
# Tested with MkDocs 1.6.1 and Material 9.8.1. kb.build.content_policy hashes the inline
# scripts of a page rendered by the theme without any page (as MkDocs renders 404.html), so
# that no text of a page or of data/ can ever be hashed into the policy.

#: What Material 9.8.1's base.html writes first in <head>, before anything from a page's
#: front matter and before any script: a page's policy goes right after it.
HEAD_START = '<meta charset="utf-8">'

#: The template every page of Material 9.8.1 is rendered with (overrides/main.html extends
#: Material's base.html, which writes the inline scripts).
PAGE_TEMPLATE = "main.html"


def skeleton_environment(config):
    """The theme's templates (overrides/ first, then Material) as MkDocs 1.6.1's
    Theme.get_env() loads them, except that an edited template is read again (`make
    serve`) and a global that hooks or plugins add in on_env (kb_ui, the contact cards,
    static-i18n's) is left undefined and renders as nothing."""
    import jinja2

    return config.theme.get_env().overlay(undefined=jinja2.ChainableUndefined, auto_reload=True)


def page_skeleton(env, config, base_url: str) -> str:
    """PAGE_TEMPLATE rendered as MkDocs 1.6.1 renders a theme template that has no page
    (mkdocs.commands.build.get_context with page None, as for 404.html), for a page whose
    `base_url` is given: the templates and mkdocs.yml, and no page's text, no navigation,
    no data/. Material 9.8.1's base.html writes its inline scripts without looking at the
    page (partials/javascripts/base.html in <head>, which names base_url, and content.html
    after the article; announce, outdated, consent, palette and analytics ones when
    mkdocs.yml turns them on), so a page with this base_url has no other theme script."""
    from mkdocs.commands.build import get_context

    context = get_context(None, [], config, base_url=base_url)
    return env.get_template(PAGE_TEMPLATE).render(context)


def page_base_url(page) -> str:
    """The `base_url` MkDocs 1.6.1 gives a page's templates (get_context): the way back to
    the site's root from the page's URL, "." for the root, "../.." two folders down."""
    from mkdocs.utils import get_relative_url

    return get_relative_url(".", page.url)


def error_page_base_url(config) -> str:
    """The `base_url` MkDocs 1.6.1 gives an error page's template (404.html): the path of
    site_url, so that the page works at any missing address."""
    from urllib.parse import urlsplit

    return urlsplit(config.site_url or "/").path


def folder_base_url(depth: int) -> str:
    """The `base_url` of a page written `depth` folders below the site's root: what
    page_base_url gives a page at that depth, with directory URLs or without."""
    return "/".join([".."] * depth) or "."


def theme_url(path: str, page, base_url: str) -> str:
    """A site path as MkDocs 1.6.1's `url` template filter writes it on a page (relative to
    the page) or, without a page, under base_url."""
    from mkdocs.utils import normalize_url

    return normalize_url(path, page=page, base=base_url)


_CONFIG_SCRIPT = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def search_worker_path(skeleton_html: str) -> str:
    """The search worker's path as Material 9.8.1's base.html names it in the `search` key of
    `<script id="__config">` (page_skeleton with base_url "" gives it relative to the site's
    root). Its bundle starts the worker with `new Worker(config.search)`: under file:// the
    offline edition's iframe-worker shim writes this URL into the script it runs."""
    return json.loads(_CONFIG_SCRIPT.search(skeleton_html).group(1))["search"]
