"""MkDocs events -> one call each into the build session (kb.build.session), nothing else."""

from __future__ import annotations

from kb.build import compat
from kb.build.session import current


def on_startup(command, dirty):
    current().startup(command, dirty)


def on_config(config):
    return current().configure(config)


def on_serve(server, config, builder):
    return current().serve(server, config)


def on_env(env, config, files):
    return current().template_environment(env, config)


@compat.after_language_files
def on_files(files, config):
    return current().select_files(files, config)


def on_page_markdown(markdown, page, config, files):
    return current().page_markdown(markdown, page, config)


@compat.last_of_page_content
def on_page_content(html, page, config, files):
    return current().page_content(html, page, config)


@compat.before_search_indexes
def on_page_context(context, page, config, nav):
    return current().page_context(context, page)


def on_post_page(output, page, config):
    return current().post_page(output, page, config)


def on_post_template(output, template_name, config):
    return current().post_template(output, template_name, config)


@compat.after_every_language
def on_post_build(config):
    current().post_build(config)


def on_build_error(error):
    current().failed()
