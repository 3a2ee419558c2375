"""The Content-Security-Policy: the theme's scripts run, nothing a page brings does.

Scripts may come only from the site's own files ('self') and, inline, only when their
SHA-256 is listed. The listed hashes are never taken from built pages: a page's text (or
anything from data/) could hold a script, and hashing what the site contains would allow
it. They are the hashes of the inline scripts in the theme's page template (overrides/
over Material) rendered with no page at all (compat.page_skeleton): only the templates and
mkdocs.yml are in it. Material's inline scripts do not depend on the page except for the
way back to the site's root (`base_url`, "." to "../../.."), which comes from where the
page is written, not from what it says; the skeleton is rendered once per such base.

The offline edition adds one more: under file://, the iframe-worker shim (node_modules,
copied in by kb.build.offline) starts the search worker in a frame whose first script it
writes inline, with the worker's URL in it. That script's text is taken from the shim's
source and the URL from the theme's template, never from a page.

Every built page carries its policy as `<meta http-equiv="Content-Security-Policy">` right
after `<meta charset>`, before any script (GitHub Pages, the offline zip). `kb csp` writes
the same policy, with the hashes of every depth in the site and frame-ancestors (which a
meta policy cannot carry), as nginx's header line, after checking that no page holds an
inline script, event handler or javascript: link the policy would block.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kb.build import compat, offline
from kb.model.problems import Problem

#: The policy, in order. script-src gets the hashes after 'self'.
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self' blob:"),
    ("frame-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'none'"),
    ("frame-ancestors", "'none'"),
)

#: Directives a browser ignores in a <meta> policy: only the HTTP header carries them.
HEADER_ONLY = frozenset({"frame-ancestors"})

#: `type` values of a <script> that runs (HTML's JavaScript MIME types, modules, import maps,
#: speculation rules); any other type makes it a data block, like the theme's __config JSON.
SCRIPT_TYPES = frozenset({
    "", "module", "importmap", "speculationrules", "application/ecmascript", "application/javascript",
    "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript",
    "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
    "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
    "text/x-javascript"})

#: Attributes whose value a browser would follow as a javascript: URL.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})


def script_hash(text: str) -> str:
    """The source expression that allows an inline script with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: Iterable[str], header: bool = True) -> str:
    """The policy with these script hashes; without header=True, what a <meta> can carry."""
    parts = []
    for name, value in DIRECTIVES:
        if name in HEADER_ONLY and not header:
            continue
        if name == "script-src":
            value = " ".join([value, *sorted(set(hashes))])
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def meta_tag(hashes: Iterable[str]) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes, header=False)}">'


# --- inline code in HTML ------------------------------------------------------------------


@dataclass(frozen=True)
class Inline:
    """Code in a page that runs without a file of its own: an inline script (`text` is
    what the browser hashes), an event handler attribute or a javascript: URL."""

    line: int
    kind: str  # "script", "handler" or "url"
    text: str


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Inline] = []
        self._script: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(Inline(line, "handler", f"{name}={value or ''}"))
            elif name in URL_ATTRIBUTES and value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                    "javascript:"):
                self.found.append(Inline(line, "url", f"{name}={value}"))
        if tag == "script":
            named = dict(attrs)
            runs = "src" not in named and (named.get("type") or "").strip().lower() in SCRIPT_TYPES
            self._script = (line, []) if runs else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # `<script/>` opens a script in HTML: its text follows

    def handle_data(self, data: str) -> None:
        if self._script:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script:
            self.found.append(Inline(self._script[0], "script", "".join(self._script[1])))
        if tag == "script":
            self._script = None


def inline_code(html: str) -> list[Inline]:
    """Every inline script that would run, event handler and javascript: URL in a page.
    (The browser enforces the policy whatever this finds; it is how `kb csp` and the
    build's tests say which page holds what the policy blocks.)"""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def inline_scripts(html: str) -> list[str]:
    return [found.text for found in inline_code(html) if found.kind == "script"]


# --- the theme's scripts ------------------------------------------------------------------


@dataclass
class ThemeScripts:
    """The inline scripts the theme writes into a page, by the page's base_url, for one
    configuration (one language's build, or `kb csp`)."""

    config: object
    root: Path  # the project: where node_modules is
    language: str | None = None  # the theme's language when made (static-i18n changes it)
    templates: object = None  # a Jinja bytecode cache holding the compiled templates, if any
    _env: object = None
    _by_base: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _worker_path: str | None = None
    _shim: str | None = None

    def scripts(self, base_url: str) -> tuple[str, ...]:
        if base_url not in self._by_base:
            self._by_base[base_url] = tuple(dict.fromkeys(inline_scripts(self._skeleton(base_url))))
        return self._by_base[base_url]

    def worker_frame_script(self, page, base_url: str) -> str:
        """The script the iframe-worker shim writes inline into its frame on this page."""
        if self._worker_path is None:
            self._worker_path = compat.search_worker_path(self._skeleton(""))
        if self._shim is None:
            source = self.root / offline.SHIM_SOURCE
            if not source.is_file():
                raise compat.BuildError(f"{offline.SHIM_SOURCE} is missing: run `make setup` (npm ci)")
            self._shim = source.read_text(encoding="utf-8")
        return worker_frame_script(self._shim, compat.theme_url(self._worker_path, page, base_url))

    def hashes(self, page, base_url: str) -> list[str]:
        found = [script_hash(text) for text in self.scripts(base_url)]
        if compat.offline_enabled(self.config):
            found.append(script_hash(self.worker_frame_script(page, base_url)))
        return sorted(set(found))

    def _skeleton(self, base_url: str) -> str:
        if self._env is None:
            self._env = compat.skeleton_environment(self.config)
            if self.templates is not None:  # the build's: its templates are compiled already
                compat.reuse_compiled_templates(self._env, self.templates)
        return compat.page_skeleton(self._env, self.config, base_url)


_WRITTEN = re.compile(r"document\.write\(`(.*?)`\)", re.S)
_FIRST_SCRIPT = re.compile(r"<script>(.*?)<\\?/script>", re.S)
_HOLE = re.compile(r"\$\{([A-Za-z_$][\w$]*)\}")
_ESCAPE = re.compile(r"\\(.)", re.S)


def worker_frame_script(shim: str, worker_url: str) -> str:
    """The inline script iframe-worker's shim (1.x, minified) writes into the frame it runs a
    worker in: the first <script> of the template literal it passes to document.write, in
    which `${name}` is the source of the shim's function `name` (Function.prototype.toString)
    or, the one name that is not a function, the worker's URL."""
    written = _WRITTEN.search(shim)
    script = _FIRST_SCRIPT.search(written.group(1)) if written else None
    if script is None:
        raise compat.BuildError("iframe-worker's shim no longer writes a <script> with document.write: "
                                "kb.build.content_policy.worker_frame_script needs mending")
    holes = set(_HOLE.findall(script.group(1)))
    functions = {name: _function_source(shim, name) for name in holes}
    url_holes = [name for name, source in functions.items() if source is None]
    if len(url_holes) != 1:
        raise compat.BuildError(f"iframe-worker's shim writes {sorted(holes)} into its frame's script; expected "
                                "its functions and the worker's URL: kb.build.content_policy needs mending")
    functions[url_holes[0]] = worker_url
    text = _ESCAPE.sub(lambda m: m.group(1), script.group(1))  # a template literal's \/ and \` are / and `
    return _HOLE.sub(lambda m: functions[m.group(1)], text)


def _function_source(js: str, name: str) -> str | None:
    """The source text of `function name(...){...}` in js, or None."""
    start = js.find(f"function {name}(")
    if start < 0:
        return None
    depth, quote, index = 0, None, js.index("{", start)
    while index < len(js):
        char = js[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return js[start:index + 1]
        index += 1
    return None


# --- a page's policy (the build) ----------------------------------------------------------

_theme: ThemeScripts | None = None


def _theme_for(config, templates) -> ThemeScripts:
    """One ThemeScripts per configuration: each rebuild of `make serve` reads mkdocs.yml
    again, and static-i18n changes the theme's language for each language's build."""
    global _theme
    language = config.theme.get("language")
    if _theme is None or _theme.config is not config or _theme.language != language:
        _theme = ThemeScripts(config, Path(config.config_file_path).resolve().parent, language, templates)
    return _theme


def declare(output: str, page, config, live_reload: bool = False, templates=None) -> str:
    """The written page with its policy in a <meta> right after <meta charset>. Not under
    `make serve` (live_reload): MkDocs' preview server adds an inline script of its own to
    every page, different on every request, that reloads the page on a save. `templates`
    is the build's Jinja bytecode cache, so that the theme's templates are not compiled twice."""
    if live_reload:
        return output
    hashes = _theme_for(config, templates).hashes(page, compat.page_base_url(page))
    return insert_meta(output, hashes, page.file.dest_uri)


def declare_in_template(output: str, template_name: str, config, live_reload: bool = False,
                        templates=None) -> str:
    """The same for a page the theme renders without a Markdown page: 404.html."""
    if live_reload or not output.strip() or not template_name.endswith(".html"):
        return output
    hashes = _theme_for(config, templates).hashes(None, compat.error_page_base_url(config))
    return insert_meta(output, hashes, template_name)


def insert_meta(output: str, hashes: Iterable[str], name: str) -> str:
    at = output.find(compat.HEAD_START)
    if at < 0:
        raise compat.BuildError(f"{name}: the theme no longer writes {compat.HEAD_START} first in <head>, where "
                                "the page's Content-Security-Policy goes: see kb.build.compat.HEAD_START")
    at += len(compat.HEAD_START)
    return f"{output[:at]}\n      {meta_tag(hashes)}{output[at:]}"


# --- the site's policy (kb csp) -----------------------------------------------------------


@dataclass(frozen=True)
class SitePolicy:
    header: str  # the policy for the HTTP header: every depth's hashes, frame-ancestors
    problems: list[Problem]  # inline code in the built site that the policy blocks


def site_policy(root: Path, site_dir: Path) -> SitePolicy:
    """The policy of a site built from the project at `root` into `site_dir`, for nginx:
    the theme's scripts for every depth a page is written at and for the error pages, as
    mkdocs.yml configures them. Each inline script, handler or javascript: URL in the site
    that it does not allow is a problem at its page (under site_dir as given) and line."""
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"))
    theme = ThemeScripts(config, root)
    pages = sorted(site_dir.rglob("*.html"))
    bases = {compat.error_page_base_url(config)}
    bases.update(compat.folder_base_url(len(path.relative_to(site_dir).parent.parts)) for path in pages)
    hashes = {script_hash(text) for base in bases for text in theme.scripts(base)}
    problems = [Problem(path.as_posix(), found.line, _blocked(found))
                for path in pages for found in inline_code(path.read_text(encoding="utf-8", errors="replace"))
                if found.kind != "script" or script_hash(found.text) not in hashes]
    return SitePolicy(policy(hashes, header=True), problems)


def _blocked(found: Inline) -> str:
    sample = " ".join(found.text.split())
    sample = sample if len(sample) <= 60 else sample[:57] + "..."
    if found.kind == "script":
        return (f"an inline script the theme does not write ({script_hash(found.text)}: {sample!r}); the "
                "Content-Security-Policy blocks it: remove it from the page, or put the theme's own code in "
                "a file under overrides/assets/")
    what = "an event handler attribute" if found.kind == "handler" else "a javascript: link"
    return (f"{what} ({sample!r}); the Content-Security-Policy blocks it: remove it, or put the code in a file "
            "under overrides/assets/")
