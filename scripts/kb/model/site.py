"""Where things are and which languages the site has, read from mkdocs.yml (the one place)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it holds !ENV or !!python/name tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Site:
    root: Path
    docs_dir: Path
    data_dir: Path
    languages: tuple[str, ...]  # the default language first
    translations_required: tuple[str, ...] = ()  # languages every page must be translated into
    publisher: tuple[str, str, bool] = ("", "", False)  # name, e-mail, decided (mkdocs.yml extra.publisher)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def complete_languages(self) -> tuple[str, ...]:
        """The default language and those every page must be translated into: every label
        and glossary entry has a text in each. A further language falls back to the default."""
        required = (lang for lang in self.translations_required if lang != self.default_language)
        return (self.default_language, *required)

    def folder(self, lang: str) -> str:
        """Where a language's pages are in the built site: "" for the default language,
        "en/" for English."""
        return "" if lang == self.default_language else f"{lang}/"


#: What the theme and the build write into the site besides the pages, relative to the
#: site's root (and, for a language's own copy, to its folder): a file or folder in docs/ at
#: one of these would replace, or be replaced by, what the build writes (a favicon on every
#: page, the search index, a feed). A trailing / is a folder. tests/test_security.py builds
#: the site and holds this list to what the build really writes.
GENERATED_PATHS = ("assets/", "search/", "feeds/", "404.html", "sitemap.xml", "sitemap.xml.gz", ".well-known/",
                   "metoder/katalog/")


def generated_path(site: Site, relative: str) -> str | None:
    """The generated path a docs/-relative path would take, or None. A language suffix
    (favicon.sv.png, .en.md) counts as the file it is a copy of, and another language's
    folder (en/) holds that language's copy of the whole site."""
    parts = relative.split("/")
    if parts[0] in site.languages[1:]:
        return f"{parts[0]}/"
    name = parts[-1]
    for lang in site.languages:
        stem, dot, suffix = name.rpartition(".")
        if dot and stem.endswith("." + lang):
            name = f"{stem[: -len(lang) - 1]}.{suffix}"
    path = "/".join([*parts[:-1], name])
    for generated in GENERATED_PATHS:
        if path == generated.rstrip("/") or (generated.endswith("/") and path.startswith(generated)):
            return generated
    return None


class SiteConfigError(Exception):
    pass


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SiteConfigError(
        f"no mkdocs.yml found in {here} or above: run kb from inside the project, or pass --root"
    )


def load_site(root: Path, config: dict | None = None) -> Site:
    """config: an already loaded mkdocs config (from the hooks); otherwise mkdocs.yml is read."""
    if config is None:
        config = read_config(root)
    try:
        docs_dir = Path(config.get("docs_dir") or "docs")
        languages = _languages(config)
        extra = config.get("extra") or {}
        required = extra.get("translations_required") or ()
        required = (required,) if isinstance(required, str) else tuple(str(lang) for lang in required)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise SiteConfigError(f"mkdocs.yml: cannot be read ({type(exc).__name__}: {exc}): check docs_dir, extra and "
                              "the i18n plugin's languages (each '- locale: sv', one with 'default: true')") from None
    if not docs_dir.is_absolute():
        docs_dir = root / docs_dir
    publisher = extra.get("publisher") if isinstance(extra.get("publisher"), dict) else {}
    declared = (str(publisher.get("name") or ""), str(publisher.get("email") or ""), publisher.get("decided") is True)
    return Site(root, docs_dir, root / "data", languages, required, declared)


def read_config(root: Path) -> dict:
    """mkdocs.yml as data, or a SiteConfigError that says why it cannot be read."""
    path = root / "mkdocs.yml"
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as exc:  # ValueError: not UTF-8
        reason = (exc.strerror if isinstance(exc, OSError) else "it is nested too deeply"
                  if isinstance(exc, RecursionError) else " ".join(str(exc).split()))
        raise SiteConfigError(f"{path}: cannot be read: {reason}") from None
    if not isinstance(config, dict):
        raise SiteConfigError(f"{path}: should be 'key: value' lines (the MkDocs configuration)")
    return config


def _languages(config: dict) -> tuple[str, ...]:
    plugins = config.get("plugins") or []
    i18n = None
    if isinstance(plugins, dict):
        i18n = plugins.get("i18n")
        i18n = getattr(i18n, "config", i18n)
    else:
        for entry in plugins:
            if isinstance(entry, dict) and "i18n" in entry:
                i18n = entry["i18n"]
    if not i18n:
        raise SiteConfigError("mkdocs.yml: the i18n plugin with its languages is missing")
    langs = i18n["languages"] if isinstance(i18n, dict) else i18n.languages
    entries = [dict(x) if not isinstance(x, dict) else x for x in langs]
    default = [str(e["locale"]) for e in entries if e.get("default")]
    others = [str(e["locale"]) for e in entries if not e.get("default")]
    if not default + others:
        raise SiteConfigError("mkdocs.yml: the i18n plugin lists no languages: add '- locale: sv' with "
                              "'default: true'")
    return tuple(default + others)


def markdown_extensions(root: Path) -> list[tuple[str, dict]]:
    """mkdocs.yml's Markdown extensions with their options, so a check renders a page's
    Markdown as the build does."""
    config = read_config(root)
    found = []
    entries = config.get("markdown_extensions") or []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            found += [(str(name), dict(options) if isinstance(options, dict) else {})
                      for name, options in entry.items()]
        else:
            found.append((str(entry), {}))
    return found


def navigation(root: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """The pages mkdocs.yml's nav lists (docs-relative paths) and its not_in_nav patterns
    (gitignore lines): a page in neither is one the strict build refuses."""
    config = read_config(root)
    listed: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, str) and node.endswith(".md"):
            listed.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config.get("nav") or [])
    patterns = str(config.get("not_in_nav") or "").splitlines()
    return frozenset(listed), tuple(line for line in patterns if line.strip())

