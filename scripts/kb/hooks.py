"""MkDocs hooks: a thin adapter from build events to the kb package, nothing else."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from kb import build, generate, load


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config):
    """Stop the build on any content problem: the very checks `kb check` runs.

    """
    content, problems = build.content_once(_root(config))
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise PluginError(f"content problems, the same `kb check` reports:\n{listing}")
    return config


def on_env(env, config, files):
    """The templates get the UI texts of the language being built as `kb_ui`."""
    content, _ = build.content_once(_root(config))
    lang = config.theme.get("language") or content.site.default_language
    env.globals["kb_ui"] = {key: content.ui.get(key, lang) for key in content.ui.strings}
    return env


def on_files(files, config):
    """Drafts stay out of a production build; `make serve` shows them (KB_DRAFTS=1)."""
    if build.include_drafts():
        return files
    content, _ = build.content_once(_root(config))
    drafts = {p.path.resolve() for p in content.valid_pages() if p.meta.status == "draft"}
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
        if source.meta.type == "legislation":
            markdown = generate.insert_after_title(markdown, generate.statute_box(content, source, lang))
        elif source.meta.type == "method":
            markdown = generate.insert_after_title(markdown, generate.method_facts(content, source, lang))
    markdown = generate.expand_contact_shortcodes(content, markdown, lang)
    file_lang = getattr(page.file, "locale", None) or lang
    markdown = generate.translation_notices(content, key, lang, file_lang, page.url, markdown)
    return markdown + generate.page_additions(content, source, lang)


def on_post_template(output, template_name, config):
    """static-i18n writes one 404 page, the last language's, over the others: keep the
    default language's at the root and write each other language's under its folder."""
    if template_name != "404.html":
        return output
    content, _ = build.content_once(_root(config))
    lang = config.theme.get("language") or content.site.default_language
    if lang == content.site.default_language:
        return output
    target = Path(config.site_dir) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""
