"""MkDocs hooks: a thin adapter from build events to the kb package, nothing else."""

from __future__ import annotations

import functools
import gc
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kb import build, generate, load, offline, search, sitecheck

log = get_plugin_logger("kb")


def _root(config) -> Path:
    return _project_root(config.config_file_path)


@functools.cache
def _project_root(config_file: str) -> Path:
    """Resolved once: every page's hooks ask for it, and resolving touches the disk."""
    return Path(config_file).resolve().parent


def on_startup(command, dirty):
    build.state.command, build.state.dirty = command, dirty


def on_build_error(error):
    build.state.failed()


def on_config(config):
    """Stop the build on any content problem (the very checks `kb check` runs); in a full
    build, start the link check that reads pages while they are written."""
    outermost = build.state.started()
    if build.state.dirty_rebuild:
        _rebuild_changed_pages_only(config)
    if outermost and build.state.dirty and build.state.every_page_stale(_root(config)):
        log.info("data/ or mkdocs.yml changed: every page is rebuilt (search catches up at the next start)")
        build.render_every_page(Path(config.site_dir))
    content, problems = build.content_once(_root(config), refresh=outermost)
    if build.state.command == "build":
        gc.freeze()  # the content model lives as long as the build: the collector need not rescan it
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise PluginError(f"content problems, the same `kb check` reports:\n{listing}")
    if offline.enabled():
        offline.use_local_shim(config)
    if outermost and not build.state.dirty and sitecheck.may_fork():
        build.state.link_check = sitecheck.StreamedCheck(Path(config.site_dir), content.site, _site_host(config))
    return config


def _site_host(config) -> str:
    return urlsplit(config.site_url or "").hostname or ""


def _rebuild_changed_pages_only(config) -> None:
    """A save in `make serve` rewrites the changed page, not what summarises every page.

    The theme keeps its whole search index between dirty rebuilds and static-i18n adds it
    again every time, so the index doubled with every save: the indexes of the first build
    stay as they are. Nor are the sitemap and the 404 pages rewritten. `make serve-full`
    rebuilds everything."""
    if "material/search" in config.plugins:
        config.plugins["material/search"].config.enabled = False
    config.theme.static_templates.difference_update({"sitemap.xml", "404.html"})


def on_serve(server, config, builder):
    """`make serve` rebuilds when data/ changes too, and learns of a save from file events."""
    from kb import watch  # watchdog is needed only here, not in `mkdocs build`

    server.watch(str(build.content_once(_root(config))[0].site.data_dir))
    log.info(f"Watching for saves by {watch.use_file_events(server, Path(config.docs_dir))}")
    return server


def on_env(env, config, files):
    """The templates get the UI texts of the language being built as `kb_ui`, and are
    compiled once per process, not once per language and save."""
    env.bytecode_cache = build.compiled_templates
    content, _ = build.content_once(_root(config))
    lang = config.theme.get("language") or content.site.default_language
    env.globals["kb_ui"] = {key: content.ui.get(key, lang) for key in content.ui.strings}
    env.globals["kb_print_helpline"] = generate.print_helpline(content, lang)
    return env


def on_files(files, config):
    """Drafts stay out of a production build; `make serve` shows them (KB_DRAFTS=1)."""
    if build.include_drafts():
        return files
    content, _ = build.content_once(_root(config))
    drafts = {p.path.resolve() for p in content.valid_pages() if p.meta.status == "draft"}
    if not drafts:
        return files
    for file in list(files):
        if file.abs_src_path and Path(file.abs_src_path).resolve() in drafts:
            files.remove(file)
    return files


def on_page_markdown(markdown, page, config, files):
    content, _ = build.content_once(_root(config))
    key, _ = load.page_identity(Path(page.file.abs_src_path), content.site)
    lang = getattr(page.file, "locale_alternate_of", None) or content.site.default_language
    source = content.page(key, lang) or content.page(key, content.site.default_language)
    if source is not None and source.meta is not None:
        page.meta["kb_review"] = generate.review_notice(content, source, lang)
    page.meta["kb_after_title"] = generate.after_title(content, source, lang, config.use_directory_urls)
    markdown = generate.expand_contact_shortcodes(content, markdown, lang)
    file_lang = getattr(page.file, "locale", None) or lang
    markdown = generate.translation_notices(content, key, lang, file_lang, page.url, markdown)
    deferred = page.meta["kb_deferred"] = generate.Deferred()
    markdown += generate.page_additions(content, source, lang, deferred, config.use_directory_urls)
    return markdown + generate.abbreviations(content, lang, markdown)


def on_page_content(html, page, config, files):
    """The facts or statute box go under the title once search has indexed the page (the
    index gets their text from search.split_index); until then a marker holds the place."""
    html = generate.mark_external_links(generate.label_task_lists(html))
    block = page.meta.get("kb_after_title", "")
    if block:
        marker = page.meta["kb_deferred"].place(generate.mark_external_links(block)).strip()
        html = generate.insert_after_title(html, marker)
    return html


def _build_language(config) -> tuple[str, str]:
    content, _ = build.content_once(_root(config))
    return config.theme.get("language") or content.site.default_language, content.site.default_language


def on_post_page(output, page, config):
    """Listings go in now, after search has indexed the page; pages in other languages
    than the default search their own language's index."""
    build.state.page_written(Path(config.site_dir) / page.file.dest_uri)
    if "kb_deferred" in page.meta:
        output = page.meta["kb_deferred"].fill(output)
    lang, default = _build_language(config)
    return output if lang == default else search.rebase_config(output, lang)


@event_priority(-200)  # after static-i18n (-100), which writes the combined index last
def on_post_build(config):
    """After the last language is built: one search index per language, and every link
    checked. A dirty rebuild keeps the indexes of the first build (see on_config)."""
    rebuild = build.state.dirty_rebuild  # asked before finished() counts this build
    if not build.state.finished():
        return  # not the last language's build yet
    content, _ = build.content_once(_root(config))
    site_dir = Path(config.site_dir)
    split_index = None if rebuild else functools.partial(search.split_index, site_dir, content,
                                                         inline_script=offline.enabled())
    if offline.enabled():  # pages link to the shim and the index script: both exist before the check
        if split_index:
            split_index()
            split_index = None
        offline.copy_shim(_root(config), site_dir)
    streamed, build.state.link_check = build.state.link_check, None
    if streamed:  # it checks in its process while this one splits the index
        problems = streamed.problems(meanwhile=split_index)
    else:
        if split_index:
            split_index()
        problems = sitecheck.check_site(site_dir, content.site, _site_host(config), build.state.pages_to_check())
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise PluginError(f"broken links in the built site:\n{listing}")


def on_post_template(output, template_name, config):
    """static-i18n writes one 404 page, the last language's, over the others: keep the
    default language's at the root and write each other language's under its folder."""
    if template_name != "404.html":
        return output
    lang, default = _build_language(config)
    if lang == default:
        return output
    target = Path(config.site_dir) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(search.rebase_config(output, lang), encoding="utf-8")
    return ""
