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

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def complete_languages(self) -> tuple[str, ...]:
        """The default language and those every page must be translated into: every label
        and glossary entry has a text in each. A further language falls back to the default."""
        required = (lang for lang in self.translations_required if lang != self.default_language)
        return (self.default_language, *required)


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
        path = root / "mkdocs.yml"
        try:
            config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SiteConfigError(f"{path}: cannot be read: {exc}") from None
    docs_dir = Path(config.get("docs_dir") or "docs")
    if not docs_dir.is_absolute():
        docs_dir = root / docs_dir
    languages = _languages(config)
    extra = config.get("extra") or {}
    required = tuple(extra.get("translations_required") or ())
    return Site(root, docs_dir, root / "data", languages, required)


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
    default = [e["locale"] for e in entries if e.get("default")]
    others = [e["locale"] for e in entries if not e.get("default")]
    return tuple(default + others)
