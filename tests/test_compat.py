"""Contract tests: one per internal of the stack that kb.build.compat relies on.

Each fails with a message naming the compat function to mend when an upgrade of MkDocs,
Material, mkdocs-static-i18n, pymdown-extensions, watchdog or Jinja changes what it
relies on. MAINTAINING.md says what to do then.
"""

from __future__ import annotations

import gc
import json
import os
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import markdown
import material
import pytest

from conftest import BIN, ROOT, run
from kb.build import compat
from kb.build.session import CompiledTemplates
from kb.tools.browser import free_port

BROKEN = "kb.build.compat.{name} no longer holds for the installed stack: {why} (see MAINTAINING.md)"


def broken(name: str, why: str) -> str:
    return BROKEN.format(name=name, why=why)


RECORDING_HOOK = '''
import json, os
from pathlib import Path
from kb.build import compat

LOG = Path(os.environ["KB_CONTRACT_LOG"])
DEPTH = [0]  # languages' builds running, as BuildSession counts them

def _record(**entry):
    with LOG.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\\n")

def on_config(config):
    DEPTH[0] += 1
    _record(event="config", depth=DEPTH[0])
    if os.environ.get("KB_CONTRACT_SKIP") == "1":
        compat.skip_site_wide_outputs(config)

PUT_AWAY = {}  # KB_CONTRACT_RELEASE=1: each page's HTML, compressed, from its rendering to its writing

@compat.last_of_page_content
def on_page_content(html, page, config, files):
    if os.environ.get("KB_CONTRACT_RELEASE") != "1":
        return html
    compat.release_markdown(page)
    PUT_AWAY[id(page)] = compat.put_away_html(html)
    return ""

@compat.before_search_indexes
def on_page_context(context, page, config, nav):
    if id(page) in PUT_AWAY:
        compat.take_out_html(page, PUT_AWAY.pop(id(page)))
    return context

def on_post_page(output, page, config):
    entries = compat.take_search_entries(config)
    if entries is not None:  # search is on (not KB_CONTRACT_SKIP)
        _record(event="indexed", src=page.file.src_uri, entries=entries)
    if os.environ.get("KB_CONTRACT_RELEASE") == "1":
        compat.release_html(page)
    return output

def on_page_markdown(markdown, page, config, files):
    build, written = compat.page_languages(page, "sv")
    _record(event="page", src=page.file.src_uri, build=build, file=written,
            theme=compat.build_language(config, "sv"))

def on_post_template(output, template_name, config):
    if template_name == "404.html":
        _record(event="404", lang=compat.build_language(config, "sv"))

@compat.after_every_language
def on_post_build(config):
    index = Path(config.site_dir) / compat.SEARCH_INDEX
    theme = compat.read_search_index(index) if index.is_file() else None
    _record(event="post_build", depth=DEPTH[0], theme_index=theme,
            config=compat.read_search_config(index) if theme else None)
    DEPTH[0] -= 1
'''


def two_language_project(tmp_path: Path) -> Path:
    """The smallest site with the plugins and options of mkdocs.yml that compat relies on:
    a page in both languages and one only in Swedish (a fallback in English)."""
    project = tmp_path / "contract"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Start\n\nHej.\n", encoding="utf-8")
    (project / "docs" / "index.en.md").write_text("# Start\n\nHello.\n", encoding="utf-8")
    (project / "docs" / "bara-svenska.md").write_text("# Bara svenska\n\nText.\n", encoding="utf-8")
    (project / "record.py").write_text(RECORDING_HOOK, encoding="utf-8")
    (project / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Kontrakt
        theme: {name: material, language: sv}
        hooks: [record.py]
        plugins:
          - search
          - i18n:
              docs_structure: suffix
              fallback_to_default: true
              reconfigure_material: true
              reconfigure_search: false
              languages:
                - {locale: sv, name: Svenska, default: true, build: true}
                - {locale: en, name: English, build: true}
        """), encoding="utf-8")
    return project


def build_and_record(project: Path, out: Path, *args: str, **environ: str) -> list[dict]:
    """Build `project` into `out`; the events its recording hook saw, in order."""
    log = out.parent / f"{out.name}-events.jsonl"
    log.unlink(missing_ok=True)
    os.environ.update(KB_CONTRACT_LOG=str(log), **environ)
    try:
        result = run([str(BIN / "mkdocs"), "build", "--site-dir", str(out), *args], project)
    finally:
        for key in ("KB_CONTRACT_LOG", *environ):
            os.environ.pop(key, None)
    assert result.returncode == 0, result.stdout + result.stderr
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contract")
    return build_and_record(two_language_project(folder), folder / "out", "--strict"), folder / "out"


def test_installed_versions_are_the_tested_ones():
    assert compat.version_problems() == [], "run `make setup`: the installed stack is not the pinned one"


def test_a_version_outside_the_tested_range_says_what_to_run(monkeypatch):
    monkeypatch.setitem(compat.TESTED, "mkdocs-material", ("9.9.0", ">=9.9,<9.10"))
    problems = compat.version_problems()
    assert len(problems) == 1
    assert problems[0].startswith("mkdocs-material 9.8.1 is installed, but the build is tested with 9.9.0")
    assert "run `make setup`" in problems[0] and "tests/test_compat.py" in problems[0]


def test_static_i18n_nests_each_further_language_inside_the_default_languages_post_build(recorded):
    events, _ = recorded
    order = [(e["event"], e["depth"]) for e in events if e["event"] in ("config", "post_build")]
    assert order == [("config", 1), ("config", 2), ("post_build", 2), ("post_build", 1)], broken(
        "after_every_language", f"the builds of the languages no longer nest as BuildSession counts them: {order}")


def test_the_themes_index_file_is_written_before_our_last_post_build(recorded):
    events, _ = recorded
    last = [e for e in events if e["event"] == "post_build"][-1]
    assert last["theme_index"] and last["theme_index"]["config"]["lang"], broken(
        "after_every_language", "the theme's index file, with its config, is not written before priority -200")


def test_static_i18n_sets_the_theme_language_of_each_build(recorded):
    events, _ = recorded
    seen = {(e["build"], e["theme"]) for e in events if e["event"] == "page"}
    assert seen == {("sv", "sv"), ("en", "en")}, broken(
        "build_language", f"config.theme['language'] is no longer the language being built: {seen}")


def test_static_i18n_tells_a_fallback_page_from_a_translation(recorded):
    events, _ = recorded
    pages = {(e["src"], e["build"]): e["file"] for e in events if e["event"] == "page"}
    assert pages[("bara-svenska.md", "en")] == "sv", broken(
        "page_languages", "a fallback page no longer says which language its file is in (File.locale)")
    assert pages[("index.en.md", "en")] == "en" and pages[("index.md", "sv")] == "sv", broken(
        "page_languages", f"File.locale_alternate_of / File.locale changed: {pages}")


def test_every_language_renders_its_own_404_page(recorded):
    events, _ = recorded
    assert [e["lang"] for e in events if e["event"] == "404"] == ["sv", "en"], broken(
        "BuildSession.post_template", "404.html is no longer rendered once per language")


def test_material_hands_over_each_pages_entries_as_the_page_is_built(recorded):
    """kb.build.search_index takes each page's entries out of the theme's list as the page
    is built: every page's sections, in Material's format, and the theme's own file is then
    left with its config and no entries."""
    events, out = recorded
    streamed = [entry for e in events if e["event"] == "indexed" for entry in e["entries"]]
    assert streamed and all({"location", "title", "text"} <= set(entry) for entry in streamed), broken(
        "take_search_entries", "an entry changed")
    pages = {entry["location"] for entry in streamed if "#" not in entry["location"]}
    assert all(entry["location"].split("#")[0] in pages for entry in streamed), broken(
        "take_search_entries", "a section's entry is no longer under its page's address")
    assert {e["src"] for e in events if e["event"] == "indexed" and e["entries"]} >= {"index.md", "index.en.md"}, \
        broken("take_search_entries", "a page's entries are not in the theme's list by its on_post_page")
    assert any(entry["location"].startswith("en/") for entry in streamed), broken(
        "take_search_entries", "the English pages' entries were not handed over")
    index = compat.read_search_index(out / compat.SEARCH_INDEX)
    assert index["docs"] == [], broken("take_search_entries", "the theme still writes entries that were taken")
    assert compat.read_search_config(out / compat.SEARCH_INDEX) == index["config"], broken(
        "read_search_config", "the index file no longer starts with its config")


def test_a_pages_markdown_and_html_are_not_read_after_they_are_used(tmp_path):
    """The build drops a page's Markdown once its HTML is made, keeps the HTML compressed
    until the page's writing begins, and drops it once the page is written: the site and
    the theme's search entries are the same, titles in the navigation included."""
    project = two_language_project(tmp_path)
    (project / "docs" / "utan-rubrik.md").write_text("Ingen rubrik och ingen titel.\n", encoding="utf-8")
    kept, released = tmp_path / "kept", tmp_path / "released"
    events = build_and_record(project, kept, "--strict")
    events_released = build_and_record(project, released, "--strict", KB_CONTRACT_RELEASE="1")
    indexed = [e for e in events if e["event"] == "indexed"]
    assert indexed and indexed == [e for e in events_released if e["event"] == "indexed"], broken(
        "take_out_html", "the theme's search no longer sees the HTML put back before it")
    pages = sorted(p.relative_to(kept) for p in kept.rglob("*.html"))
    assert pages and pages == sorted(p.relative_to(released) for p in released.rglob("*.html"))
    assert "Utan rubrik" in (kept / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert (kept / page).read_bytes() == (released / page).read_bytes(), broken(
            "release_markdown", f"{page} changes when a page's Markdown or HTML is dropped after use")


def test_material_reads_the_offline_index_from_a_script_variable():
    import material

    bundle = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js"))
    offline = (Path(material.__file__).parent / "plugins" / "offline" / "plugin.py").read_text(encoding="utf-8")
    assert "__index" in bundle.read_text(encoding="utf-8") and "var __index = " in offline, broken(
        "write_search_index", "the offline edition no longer reads the index from `var __index` in search_index.js")


def test_material_speaks_to_its_search_worker_in_the_messages_compat_names():
    """The theme's page script sends SETUP ({config, docs, options}) and QUERY, and waits for
    READY and RESULT, by these numbers; the site's worker answers in the same."""
    bundle = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js"))
    code = bundle.read_text(encoding="utf-8")
    kinds = compat.SEARCH_MESSAGES
    sent = (f"type:{kinds['SETUP']},data:{{config:", f"type:{kinds['QUERY']},data:")
    awaited = (f"e.type==={kinds['READY']}}}", f"e.type==={kinds['RESULT']}}}")
    assert all(part in code for part in sent + awaited), broken(
        "SEARCH_MESSAGES", "the theme's page script no longer sends or awaits these search worker messages")
    worker = (ROOT / "overrides" / "assets" / "kb-search-worker.js").read_text(encoding="utf-8")
    assert (f"var SETUP = {kinds['SETUP']}, READY = {kinds['READY']}, QUERY = {kinds['QUERY']}, "
            f"RESULT = {kinds['RESULT']};") in worker, "overrides/assets/kb-search-worker.js speaks other numbers"


def test_our_page_configuration_names_every_key_the_themes_does(recorded, built_site):
    """overrides/main.html writes the theme's __config itself (to name the site's search
    worker): it must hold every key the theme's own block writes."""
    _, out = recorded
    pattern = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
    theirs = json.loads(pattern.search((out / "index.html").read_text(encoding="utf-8")).group(1))
    ours = json.loads(pattern.search((built_site / "index.html").read_text(encoding="utf-8")).group(1))
    assert set(ours) == set(theirs) and set(ours["translations"]) == set(theirs["translations"]), broken(
        "search_worker_path", f"the theme's __config has {sorted(theirs)}, overrides/main.html writes {sorted(ours)}")
    assert ours["search"] == "assets/kb-search-worker.js#index=../search/lunr_index.json"
    assert ours["search"] != theirs["search"]


def test_material_pages_carry_the_search_base_in_their_config_script(recorded):
    _, out = recorded
    page = (out / "index.html").read_text(encoding="utf-8")
    rebased = compat.search_in_language_folder(page, "en")
    assert rebased != page and '"base":' in rebased, broken(
        "search_in_language_folder", "no `base` in the page's <script id=\"__config\">")


def test_a_dirty_rebuild_can_leave_search_sitemap_and_404_alone(tmp_path):
    project, out = two_language_project(tmp_path), tmp_path / "out"
    build_and_record(project, out, "--strict")
    site_wide = ("search/search_index.json", "sitemap.xml", "404.html")
    before = {name: (out / name).read_bytes() for name in site_wide}
    (project / "docs" / "index.md").write_text("# Start\n\nHej igen.\n", encoding="utf-8")
    build_and_record(project, out, "--dirty", KB_CONTRACT_SKIP="1")  # not strict: MkDocs warns of --dirty
    assert "Hej igen" in (out / "index.html").read_text(encoding="utf-8"), "the dirty rebuild did not run"
    changed = [name for name in site_wide if (out / name).read_bytes() != before[name]]
    assert changed == [], broken("skip_site_wide_outputs", f"a dirty rebuild rewrote {changed}")


def test_a_built_page_older_than_its_source_is_rendered_again(tmp_path):
    from mkdocs.structure.files import File

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# Page\n", encoding="utf-8")
    (tmp_path / "site" / "page").mkdir(parents=True)
    (tmp_path / "site" / "page" / "index.html").write_text("<html></html>", encoding="utf-8")
    file = File("page.md", str(tmp_path / "docs"), str(tmp_path / "site"), use_directory_urls=True)
    assert not file.is_modified(), "the built page is newer than its source here"
    compat.mark_every_page_stale(tmp_path / "site")
    assert file.is_modified(), broken("mark_every_page_stale", "File.is_modified() no longer compares mtimes")


def test_the_live_reload_server_can_be_given_another_observer(tmp_path):
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers import Observer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path))
    try:
        server.watch(str(tmp_path))
        observer = Observer()
        compat.watch_with(server, observer)
        assert server.observer is observer, broken("watch_with", "the server's observer is not `observer`")
        assert [w.path for w in observer._watches] == [str(tmp_path)], broken(  # noqa: SLF001
            "watch_with", "the watched paths were not scheduled on the new observer")
    finally:
        server.server_close()


def test_templates_are_compiled_once_across_template_environments():
    from mkdocs.theme import Theme

    class Counting(CompiledTemplates):
        compiled = 0

        def dump_bytecode(self, bucket):
            Counting.compiled += 1
            super().dump_bytecode(bucket)

    theme, cache = Theme(name="material"), Counting()
    first, second = theme.get_env(), theme.get_env()
    assert first is not second, "MkDocs now reuses one environment: compat.reuse_compiled_templates may go"
    compat.reuse_compiled_templates(first, cache)
    first.get_template("main.html")
    once = Counting.compiled
    compat.reuse_compiled_templates(second, cache)
    second.get_template("main.html")
    assert once > 0 and Counting.compiled == once, broken(
        "reuse_compiled_templates", "Jinja no longer uses env.bytecode_cache when it loads a template")


def test_the_collector_can_be_told_to_leave_the_content_alone():
    before = gc.get_freeze_count()
    compat.keep_out_of_collector()
    assert gc.get_freeze_count() >= before, broken("keep_out_of_collector", "gc.freeze() is gone")
    gc.unfreeze()


def test_material_loads_the_worker_polyfill_we_give_it():
    import material
    from material.plugins.offline.plugin import OfflinePlugin

    plugin = OfflinePlugin()
    plugin.load_config({"enabled": True})
    config = SimpleNamespace(extra={}, use_directory_urls=True)
    compat.use_local_worker_polyfill(config, "assets/javascripts/iframe-worker-shim.js")
    plugin.on_config(config)
    assert config.extra["polyfills"] == ["assets/javascripts/iframe-worker-shim.js"], broken(
        "use_local_worker_polyfill", f"the offline plugin added {config.extra['polyfills']}")
    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    assert "config.extra.polyfills" in base, broken("use_local_worker_polyfill", "base.html no longer loads them")


def test_the_offline_plugin_is_found_under_its_name(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.setenv("KB_OFFLINE", "true")
    assert compat.offline_enabled(load_config(str(ROOT / "mkdocs.yml"))), broken(
        "offline_enabled", "the offline plugin is not in config.plugins as material/offline or offline")
    monkeypatch.setenv("KB_OFFLINE", "false")
    assert not compat.offline_enabled(load_config(str(ROOT / "mkdocs.yml")))


def test_pymdown_task_lists_look_as_compat_expects():
    html = markdown.markdown("- [ ] Ett tecken\n", extensions=["pymdownx.tasklist"],
                             extension_configs={"pymdownx.tasklist": {"custom_checkbox": False}})
    signs = [m.group(1).strip() for m in compat.TASK_ITEM.finditer(html)]
    assert signs == ["Ett tecken"], broken("TASK_ITEM", f"pymdownx.tasklist writes {html!r}")


def test_material_wraps_the_page_content_in_one_element(recorded):
    _, out = recorded
    page = (out / "index.html").read_text(encoding="utf-8")
    opened = page.count(f"<{compat.CONTENT_ELEMENT} ")
    start = page.index(f"<{compat.CONTENT_ELEMENT} ")
    assert opened == 1 and "Hej." in page[start:page.index(f"</{compat.CONTENT_ELEMENT}>")], broken(
        "CONTENT_ELEMENT", "the page's own text is no longer inside one such element")
    assert 'class="md-header' in page[:start], broken("CONTENT_ELEMENT", "the header is inside it")


# --- the Content-Security-Policy (kb.build.content_policy) ----------------------------------


def test_material_writes_the_inline_scripts_of_a_page_without_the_page(recorded):
    from mkdocs.config import load_config

    from kb.build.content_policy import inline_scripts

    _, out = recorded
    config = load_config(str(out.parent / "contract" / "mkdocs.yml"), hooks=[])
    env = compat.skeleton_environment(config)
    for name, url in (("index.html", ""), ("bara-svenska/index.html", "bara-svenska/"),
                      ("en/bara-svenska/index.html", "en/bara-svenska/"), ("404.html", None)):
        page = (out / name).read_text(encoding="utf-8")
        if url is None:
            base_url = compat.error_page_base_url(config)
        else:
            base_url = compat.page_base_url(SimpleNamespace(url=url))
            assert base_url == compat.folder_base_url(len(Path(name).parent.parts)), broken(
                "page_base_url", f"{name} has base_url {base_url}")
        written, skeleton = inline_scripts(page), compat.page_skeleton(env, config, base_url)
        assert written and set(written) == set(inline_scripts(skeleton)), broken(
            "page_skeleton", f"{name} has inline scripts the theme does not write without a page: {written}")
        head = page[page.index("<head>") + len("<head>"):page.index("</head>")]
        assert head.lstrip().startswith(compat.HEAD_START) and head.index(compat.HEAD_START) < head.index(
            "<script"), broken("HEAD_START", f"{name}'s head does not start with it, before any script")
    worker = compat.search_worker_path(compat.page_skeleton(env, config, ""))
    step = (out / "bara-svenska" / "index.html").read_text(encoding="utf-8")
    assert f'"search": "{compat.theme_url(worker, SimpleNamespace(url="bara-svenska/"), "..")}"' in step, broken(
        "search_worker_path", f"the page's __config does not name the worker {worker} as the theme's url filter would")


def test_material_draws_a_page_status_icon_from_the_key_compat_removes():
    """hide_page_status_icon removes compat.PAGE_STATUS_KEY: the key Material's nav reads."""
    template = (Path(material.__file__).parent / "templates" / "partials" / "nav-item.html").read_text(encoding="utf-8")
    assert f"nav_item.meta.{compat.PAGE_STATUS_KEY}" in template
    meta = {"status": "review", "title": "x"}
    compat.hide_page_status_icon(meta)
    assert meta == {"title": "x"}


def test_material_search_dialog_is_the_one_compat_names():
    """name_search_dialog finds Material's dialog by its exact markup, which has no name."""
    template = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(encoding="utf-8")
    assert compat._SEARCH_DIALOG in template, broken("name_search_dialog", "the search dialog's markup changed")
    named = compat.name_search_dialog(compat._SEARCH_DIALOG, "Sök")
    assert named == '<div class="md-search" data-md-component="search" role="dialog" aria-label="Sök">'


def test_material_fetches_a_sitemap_beside_every_alternate_link():
    """The theme fetches sitemap.xml beside each <link rel="alternate"> of a page: the feeds'
    link is the only one, and empty_sitemap_beside_feeds puts a small one there."""
    bundle = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js"))
    script = bundle.read_text(encoding="utf-8")
    assert f'new URL("{compat.SITEMAP}",' in script, broken("SITEMAP", "the theme no longer fetches it")
    assert '"link[rel=alternate]"' in script, broken("empty_sitemap_beside_feeds", "the theme reads other links")


def test_static_i18n_writes_alternates_as_compat_drops_them(recorded):
    """drop_head_alternates finds static-i18n's hreflang links in the form a build writes."""
    _, out = recorded
    page = next(p for p in sorted(out.glob("**/index.html")) if 'hreflang="' in p.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    assert compat._ALTERNATE.findall(text), broken("drop_head_alternates", "static-i18n writes them differently")
    assert "hreflang" not in compat.drop_head_alternates(text.split("</head>")[0])


def test_material_controls_are_the_ones_compat_names():
    """name_controls finds the theme's toggles, search form and header search button by their
    exact markup; the build's pages show them completed (issue 31)."""
    templates = Path(material.__file__).parent / "templates"
    names = ("base.html", "partials/nav-item.html", "partials/search.html", "partials/header.html")
    text = "\n".join((templates / name).read_text(encoding="utf-8") for name in names)
    for key, markup in compat._TOGGLES.items():
        assert markup in text, broken("name_controls", f"the {key} toggle's markup changed")
    assert compat._SEARCH_FORM in text, broken("name_controls", "the search form's markup changed")
    search = (templates / "partials" / "search.html").read_text(encoding="utf-8")
    assert compat._SEARCH_OPTIONS.search(search.replace("{{ lang.t('search') }}", "Sök")), broken(
        "name_controls", "the search options' markup changed")
    header = (templates / "partials" / "header.html").read_text(encoding="utf-8")
    assert compat._SEARCH_BUTTON.search(header), broken("name_controls", "the header's search button changed")
    page = compat.name_controls(text, {"drawer": "Meny", "search": "Sök", "toc": "Innehåll"}, "../register/", "A–Ö",
                                "Alla sidor", "Sök")
    assert page.count('aria-label="Meny"') == page.count('aria-label="Innehåll"') == 1
    assert 'action="../register/" method="get"' in page and 'type="submit"' in page
    assert '<a class="md-header__button kb-az-link" href="../register/" aria-label="Alla sidor">A–Ö</a>' in page


def test_material_starts_the_search_worker_with_new_worker_and_listens_for_messages():
    """assets/kb-search-hook.js wraps window.Worker, which the theme's script calls once for its
    search worker, and the worker's addEventListener, which RxJS's fromEvent uses."""
    bundle = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js"))
    script = bundle.read_text(encoding="utf-8")
    assert script.count("new Worker(") == 1, broken("kb-search-hook.js", "the theme starts its worker differently")
    assert "addEventListener" in script
