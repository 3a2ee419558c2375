"""One build from start to end: the object MkDocs' hooks call, one method per event.

It sequences a build: the content loaded and checked once (the very checks `kb check`
runs), the link check started before the first page is written, each page rendered
(kb.build.pages), a 404 page per language, the search index split per language, every
built link checked, and in `make serve` the dirty rebuilds. What a build is asked for
(today, drafts, polling) is read from the environment once, in Options.from_environment;
nothing below the session reads the environment.

static-i18n runs the whole build once per language, nested inside the default language's
post-build step (see compat); `mkdocs build` runs those further builds in a fork beside the
default language's instead (kb.build.further_languages). `mkdocs serve` rebuilds on every
save: the content is loaded again only when a file under docs/ or data/ changed.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from kb import checks
from kb.build import (
    catalogue,
    changes,
    compat,
    contact_cards,
    content_policy,
    further_languages,
    link_check,
    listings,
    offline,
    pages,
    search_index,
    search_language,
    word_index,
)
from kb.checks.scope import Scope
from kb.model import load
from kb.model.dates import fixed_today
from kb.model.load import Content, built_url
from kb.model.problems import Problem, as_github
from kb.model.repository import Repository, RepositoryError, from_extra
from kb.model.schema import as_html_text
from kb.model.site import load_site


@dataclass(frozen=True)
class Options:
    """What a build is asked for, fixed when it starts."""

    today: date  # the day content checks judge claimed dates by: KB_TODAY, else the clock
    build_date: date  # the day pages are written as of (review and contact states)
    include_drafts: bool = False  # `make serve` shows pages with status: draft
    poll: bool = False  # `make serve POLL=1`: look for saves instead of file events
    skip_checks: bool = False  # KB_SKIP_CHECKS=1, for the security tests only: the allowlist must hold alone
    annotate: bool = False  # in GitHub Actions: problems also as ::error workflow commands
    one_process: bool = False  # KB_ONE_PROCESS=1: the languages one after the other (kb.build.further_languages)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ,
                         clock: Callable[[], date] = date.today) -> Options:
        """KB_TODAY fixes both days (tests, reproducible reports). Otherwise pages are written
        as of SOURCE_DATE_EPOCH's day (the last commit's, set by the Makefile), so two builds
        of one commit are byte-identical; the reader's browser re-checks review dates
        against its own clock."""
        try:
            fixed = fixed_today(environ)
        except ValueError as exc:
            raise compat.BuildError(str(exc)) from None
        today = fixed or clock()
        epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
        if fixed:
            build_date = today
        elif epoch.isdigit():
            build_date = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        else:
            build_date = clock()
        return cls(today, build_date, environ.get("KB_DRAFTS", "") == "1", environ.get("KB_POLL", "") == "1",
                   environ.get("KB_SKIP_CHECKS", "") == "1", environ.get("GITHUB_ACTIONS", "") == "true",
                   environ.get("KB_ONE_PROCESS", "") == "1")


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates, compiled once per process. MkDocs makes a new template
    environment for every build, and static-i18n builds once per language, so each
    template was compiled again for every language and for every save in `make serve`.
    Jinja compares each template's source checksum, so an edited override is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class BuildSession:
    """A process's builds: one for `mkdocs build`, one after another for `mkdocs serve`."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.command = "build"
        self.dirty = False
        self.depth = 0  # how many languages' builds are running, nested (see compat)
        self.completed = 0  # complete builds, every language
        self.written: set[Path] = set()  # pages a dirty rebuild wrote: only those are checked
        self.shared: tuple = ()  # data/ and mkdocs.yml as the last complete build saw them
        self.shared_now: tuple = ()  # ... and as the running build sees them
        self.streamed: link_check.StreamedCheck | None = None  # a full build's, reading pages as written
        self.search: search_index.IndexBuild | None = None  # a full build's indexes, fed page by page
        self.fork_languages = False  # this build forks to build the further languages (kb.build.further_languages)
        self.further: further_languages.FurtherLanguages | None = None  # ... the fork, seen from here
        self.in_fork = False  # this process is that fork
        self._put_away: dict[int, bytes] = {}  # each rendered page's HTML, compressed, until it is written
        self.templates = CompiledTemplates()
        self._content: tuple[tuple, Content, list[Problem]] | None = None
        self.repository: Repository | None = None  # mkdocs.yml's extra.repository: where changes are proposed
        self.preview_problems: list[Problem] = []  # `make serve` only: shown on the pages they are about
        self._root: Path | None = None
        self.listing_pages: dict[str, tuple[catalogue.Listing, str]] = {}  # src_uri -> (listing, language)

    # --- MkDocs events, in the order they come ---------------------------------------

    def startup(self, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def configure(self, config):
        """Stop the build on any content problem; in a full build, start the link check that
        reads pages while they are written."""
        self._root = Path(config.config_file_path).resolve().parent
        self.repository = _repository(config)
        outermost = self._started()
        if outermost and self.completed == 0:
            for problem in compat.version_problems():
                compat.log.warning(problem)
        if self.dirty_rebuild:
            compat.skip_site_wide_outputs(config)
        if outermost and self.dirty and self._shared_sources_changed():
            compat.log.info("data/ or mkdocs.yml changed: every page is rebuilt (search catches up at the next start)")
            compat.mark_every_page_stale(Path(config.site_dir))
        content, problems = self.content(refresh=outermost)
        if self.command == "build":
            compat.keep_out_of_collector()
        self.preview_problems = []
        if problems and not self.options.skip_checks:
            listing = "\n".join(str(p) for p in problems)
            if self.options.annotate and outermost:
                print("\n".join(as_github(p, "mkdocs build") for p in problems), flush=True)
            if self.command != "serve":
                raise compat.BuildError(f"content problems, the same `kb check` reports:\n{listing}")
            # `make serve` shows the pages, each with its problems on it, rather than no page at
            # all while a new method still holds its placeholders.
            self.preview_problems = problems
            compat.log.warning(f"content problems, the same `kb check` reports (shown on the pages):\n{listing}")
        if self.command == "build" and outermost:
            load.release_front_matter(content)  # the checks have read it; `make serve` checks again on a save
        if compat.offline_enabled(config):
            compat.use_local_worker_polyfill(config, offline.SHIM_TARGET)
        if outermost:
            self.fork_languages = False
        if outermost and not self.dirty and link_check.may_fork():
            self.fork_languages = (self.command == "build" and not self.options.one_process
                                   and not compat.offline_enabled(config) and bool(compat.further_languages(config)))
            self.streamed = link_check.StreamedCheck(Path(config.site_dir), content.site, _site_host(config),
                                                     writers=2 if self.fork_languages else 1)
        if outermost and not self.dirty_rebuild:  # a dirty rebuild keeps the first build's indexes
            if self.search:
                self.search.stop()
            self.search = search_index.IndexBuild(content, config.use_directory_urls)
        return config

    def serve(self, server, config):
        """`make serve` rebuilds when data/ changes too, and learns of a save from file events."""
        from kb.build import watch  # watchdog is needed only here, not in `mkdocs build`

        server.watch(str(self.content()[0].site.data_dir))
        how = watch.use_file_events(server, Path(config.docs_dir), self.options.poll)
        compat.log.info(f"Watching for saves by {how}")
        return server

    def template_environment(self, env, config):
        """The templates get the UI texts of the language being built as `kb_ui`, and are
        compiled once per process, not once per language and save."""
        compat.reuse_compiled_templates(env, self.templates)
        content = self.content()[0]
        lang = compat.build_language(config, content.site.default_language)
        env.globals["kb_ui"] = {key: content.ui.get(key, lang) for key in content.ui.strings}
        env.globals["kb_print_helpline"] = contact_cards.print_helpline(content, lang)
        # The page names its language's index to the search worker as it starts it, so the
        # worker fetches it at once; the offline edition carries the index in a script.
        env.globals["kb_search_index"] = ("" if compat.offline_enabled(config)
                                          else search_language.index_href(content.site.folder(lang)))
        return env

    def select_files(self, files, config):
        """Drafts stay out of a production build; `make serve` shows them. The catalogue's
        listing pages join the language's pages (a dirty rebuild keeps those of the first
        build, as it keeps search)."""
        content = self.content()[0]
        if not self.options.include_drafts:
            drafts = {p.path.resolve() for p in content.valid_pages() if p.meta.status == "draft"}
            for file in list(files) if drafts else ():
                if file.abs_src_path and Path(file.abs_src_path).resolve() in drafts:
                    files.remove(file)
        start = catalogue.start_page(content)
        if start is not None and not self.dirty_rebuild:
            self._add_listing_pages(files, config, content, start)
        if self.fork_languages and self.depth == 1:  # the default language's files are chosen
            self.further = further_languages.FurtherLanguages.start(config, self._in_fork, self._before_fork_ends)
            if self.streamed:
                self.streamed.forked()
        return files

    def _add_listing_pages(self, files, config, content: Content, start) -> None:
        lang = compat.build_language(config, content.site.default_language)
        for listing in catalogue.listings(content, self.options.include_drafts):
            key = catalogue.listing_key(start, listing)
            src_uri = content.site.folder(lang) + key
            self.listing_pages[src_uri] = (listing, lang)
            alternates = {code: content.site.folder(code) + built_url(key, config.use_directory_urls)
                          for code in content.site.languages}
            files.append(compat.generated_page(config, src_uri, catalogue.source(content, start, listing, lang),
                                               lang, alternates))

    def _in_fork(self) -> None:
        """This process is now the fork that builds the further languages."""
        self.in_fork, self.fork_languages, self.further = True, False, None
        if self.streamed:
            self.streamed.become_writer(1)

    def _before_fork_ends(self) -> None:
        """The fork's last pages and index entries go over before it ends."""
        if self.search:
            self.search.flush()
        if self.streamed:
            self.streamed.finish_writing()

    def page_markdown(self, markdown: str, page, config) -> str:
        """Front matter reaches the theme's templates (the title in the navigation, a
        description in a <meta> attribute) unescaped: markup in it is shown as text."""
        for key, value in page.meta.items():
            if isinstance(value, str):
                page.meta[key] = as_html_text(value)
        compat.hide_page_status_icon(page.meta)
        content = self.content()[0]
        if page.file.src_uri in self.listing_pages:
            listing, lang = self.listing_pages[page.file.src_uri]
            deferred = page.meta["kb_deferred"] = listings.Deferred()
            return catalogue.listing_markdown(content, catalogue.start_page(content), listing, lang, deferred,
                                              config.use_directory_urls)
        key, _ = load.page_identity(Path(page.file.abs_src_path), content.site)
        lang, file_lang = compat.page_languages(page, content.site.default_language)
        text = pages.markdown(content, key, markdown, page.meta, lang=lang, file_lang=file_lang, url=page.url,
                              directory_urls=config.use_directory_urls, today=self.options.build_date,
                              include_drafts=self.options.include_drafts, repository=self.repository)
        if self.preview_problems:
            rel = content.rel(str(Path(page.file.abs_src_path).relative_to(content.site.root)))
            text = pages.preview_problems(content, self.preview_problems, rel, lang, page.meta) + text
        return text

    def page_content(self, html: str, page, config) -> str:
        """What the page publishes has passed the allowlist. Anything it removed stops a strict
        build (kb check should have said so first); `make serve` publishes the page without
        it and says so in the terminal. Until the page is written, its Markdown is dropped
        and its HTML kept compressed (see compat.put_away_html)."""
        html, removed = pages.html(html, page.meta)
        compat.release_markdown(page)
        self._put_away[id(page)] = compat.put_away_html(html)
        if removed:
            listing = "\n".join(f"docs/{page.file.src_uri}: {removal.message}" for removal in removed)
            if config.strict:
                raise compat.BuildError(f"the allowlist removed this from the page (run `kb check`):\n{listing}")
            compat.log.warning(f"the allowlist removed this from the page, which is published without it:\n{listing}")
        return ""  # the HTML is put away until the page is written (page_context)

    def page_context(self, context, page):
        """The page's HTML, put away since it was rendered (see page_content), is back for
        the theme's search and templates."""
        packed = self._put_away.pop(id(page), None)
        if packed is not None:
            compat.take_out_html(page, packed)
        return context

    def post_page(self, output: str, page, config) -> str:
        """Listings go in now, after search has indexed the page; pages in other languages
        than the default search their own language's index. The theme's search has split
        the page into entries: they go to the index of their language now, not after the
        last page, and leave the theme's list."""
        if self.search is not None:
            entries = compat.take_search_entries(config)
            if entries:
                self.search.add(entries)
        self._page_written(Path(config.site_dir) / page.file.dest_uri)
        output = pages.output(output, page.meta)
        output = content_policy.declare(output, page, config, self.command == "serve", self.templates)
        content = self.content()[0]
        default = content.site.default_language
        lang = compat.build_language(config, default)
        output = changes.head_link(output, content, lang, page.url)
        output = compat.drop_head_alternates(output)
        output = compat.name_search_dialog(output, html.unescape(content.ui.get("search_dialog", lang)))
        output = _name_controls(output, content, lang, config, page)
        if page.meta.get("generated") == "methods":
            self._write_facets(content, lang, Path(config.site_dir) / page.file.dest_uri, config.use_directory_urls)
        compat.release_html(page)
        return output if lang == default else compat.search_in_language_folder(output, lang)

    def _write_facets(self, content: Content, lang: str, start_html: Path, directory_urls: bool) -> None:
        """The filters' facet index, and the share form's list of what is taken, beside the
        catalogue's start page as it is written."""
        target = start_html.parent / catalogue.FOLDER / catalogue.FACETS
        target.parent.mkdir(parents=True, exist_ok=True)
        start = catalogue.start_page(content)
        target.write_text(catalogue.facets(content, start, lang, directory_urls, self.options.include_drafts),
                          encoding="utf-8")
        (target.parent / catalogue.TAKEN).write_text(catalogue.taken(content), encoding="utf-8")

    def post_template(self, output: str, template_name: str, config) -> str:
        """static-i18n writes one 404 page, the last language's, over the others: keep the
        default language's at the root and write each other language's under its folder."""
        if template_name == compat.SITEMAP and self.further is not None:
            return ""  # the fork writes it, with the further languages' pages in it
        if template_name != "404.html":
            return output
        output = content_policy.declare_in_template(output, template_name, config, self.command == "serve",
                                                    self.templates)
        content = self.content()[0]
        default = content.site.default_language
        lang = compat.build_language(config, default)
        output = compat.name_search_dialog(output, html.unescape(content.ui.get("search_dialog", lang)))
        output = _name_controls(output, content, lang, config, None)
        if lang == default:
            return output
        target = Path(config.site_dir) / lang / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(compat.search_in_language_folder(output, lang), encoding="utf-8")
        return ""

    def post_build(self, config) -> None:
        """After the last language is built: one search index per language, and every link
        checked. A dirty rebuild keeps the indexes of the first build (see configure)."""
        rebuild = self.dirty_rebuild  # asked before _finished() counts this build
        if not self._finished():
            return  # not the last language's build yet
        if self.further:  # static-i18n has waited for it already, where it would have built them
            further, self.further = self.further, None
            further.end()
        content = self.content()[0]
        site_dir = Path(config.site_dir)
        changes.write_feeds(content, site_dir, config.site_url or "", self.options.include_drafts)
        offline_build = compat.offline_enabled(config)
        pending: Callable[[], object] | None = None
        search, self.search = self.search, None
        if search and not rebuild and (site_dir / compat.SEARCH_INDEX).is_file():
            def pending():
                search.write(site_dir, compat.read_search_config(site_dir / compat.SEARCH_INDEX), offline_build)
        elif search:
            search.stop()
        if offline_build:  # pages link to the shim and the index script: both exist before the check
            if pending:
                pending()
                pending = None
            offline.copy_shim(self._root, site_dir)
        streamed, self.streamed = self.streamed, None
        if streamed:  # it checks in its process while this one splits the index
            problems = streamed.problems(meanwhile=pending)
        else:
            if pending:
                pending()
            problems = link_check.check_site(site_dir, content.site, _site_host(config), self._pages_to_check())
        if problems:
            problems = link_check.in_sources(problems, content, site_dir)
            if self.options.annotate:  # each on its line in the pull request's "Files changed"
                print("\n".join(as_github(p, "mkdocs build") for p in problems), flush=True)
            listing = "\n".join(str(p) for p in problems)
            if self.options.skip_checks:
                compat.log.warning(f"broken links in the built site (KB_SKIP_CHECKS=1):\n{listing}")
                return
            raise compat.BuildError(f"broken links in the built site:\n{listing}")

    def failed(self) -> None:
        if self.in_fork:
            return  # the fork ends now; the processes it shares are the build's to end
        self._put_away.clear()
        if self.further:
            self.further.stop()
            self.further = None
        self.depth = 0
        self.written.clear()
        if self.search:
            self.search.stop()
            self.search = None
        if self.streamed:
            self.streamed.stop()
            self.streamed = None

    # --- the content model --------------------------------------------------------------

    def content(self, refresh: bool = False) -> tuple[Content, list[Problem]]:
        """The content model for this build. Only refresh=True (the outermost configure, once
        per build) looks at the files again; every other event, and the build of each
        further language, reuses the result, so a build never rescans docs/ once per page."""
        if self._content and not refresh:
            return self._content[1], self._content[2]
        site = load_site(self._root)
        stamp = fingerprint([site.docs_dir, site.data_dir])
        if self._content and self._content[0] == stamp:
            return self._content[1], self._content[2]
        content = load.load(site)
        problems = checks.run(content, Scope(self.options.today), checks.BUILD)
        self._content = (stamp, content, problems)
        return content, problems

    # --- where the build is -------------------------------------------------------------

    @property
    def dirty_rebuild(self) -> bool:
        """A rebuild of changed pages only, after the first full build of `make serve`."""
        return self.dirty and self.completed > 0

    def _started(self) -> bool:
        """True for the outermost build: the one that reads the sources again."""
        self.depth += 1
        return self.depth == 1

    def _finished(self) -> bool:
        """True when the outermost build (the last language) has just finished."""
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            self.completed += 1
            self.shared = self.shared_now
        return self.depth == 0

    def _shared_sources_changed(self) -> bool:
        """Whether data/ or mkdocs.yml changed since the last complete build of `make serve`.
        Every page shows what they hold (contacts, terms, the navigation), so a dirty
        rebuild must then render every page, not only the saved one."""
        self.shared_now = fingerprint([self._root / "data", self._root / "mkdocs.yml"])
        return self.completed > 0 and self.shared_now != self.shared

    def _page_written(self, path: Path) -> None:
        """MkDocs is about to write `path`: a dirty rebuild checks its links afterwards, and
        a full build's streamed check reads it as soon as it is on disk."""
        if self.dirty:
            self.written.add(path)
        elif self.streamed:
            self.streamed.written(path)

    def _pages_to_check(self) -> set[Path] | None:
        """None means every page (a full build). Clears the record for the next rebuild."""
        written = set(self.written) if self.dirty else None
        self.written.clear()
        return written


def _name_controls(output: str, content: Content, lang: str, config, page) -> str:
    """The theme's toggles named, and its search form given a submit button and the A–Ö page
    (kb.build.word_index) to go to without JavaScript, linked from the header too."""
    path = word_index.index_path(content, lang, config.use_directory_urls)
    base = compat.page_base_url(page) if page is not None else compat.error_page_base_url(config)
    index_url = compat.theme_url(path, page, base) if path else None
    text = {name: html.unescape(content.ui.get(name, lang))
            for name in ("toggle_menu", "search_dialog", "toggle_toc", "word_index_link", "word_index_name",
                         "search_submit")}
    names = {"drawer": text["toggle_menu"], "search": text["search_dialog"], "toc": text["toggle_toc"]}
    return compat.name_controls(output, names, index_url, text["word_index_link"], text["word_index_name"],
                                text["search_submit"])


def _repository(config) -> Repository | None:
    try:
        return from_extra(config.extra)
    except RepositoryError as exc:
        raise compat.BuildError(str(exc)) from None


def _site_host(config) -> str:
    return urlsplit(config.site_url or "").hostname or ""


def fingerprint(paths: list[Path]) -> tuple:
    """Every file's path, size and modification time, in folders or given: one stat per
    file (os.walk knows which entries are files), since `make serve` asks on every save."""
    stamps = []
    for path in paths:
        if path.is_file():
            stat = path.stat()
            stamps.append((str(path.parent), path.name, stat.st_mtime_ns, stat.st_size))
        for parent, _, names in os.walk(path):
            for name in names:
                try:
                    stat = os.stat(os.path.join(parent, name))
                except OSError:
                    continue  # an editor's temporary file, gone already, or a broken link
                stamps.append((parent, name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(stamps))


_current: BuildSession | None = None


def current() -> BuildSession:
    """The session of this process. MkDocs loads hooks.py anew for every build of `mkdocs
    serve`, so the session lives here, in a module imported once."""
    global _current
    if _current is None:
        _current = BuildSession(Options.from_environment())
    return _current
