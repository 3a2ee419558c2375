"""MkDocs hooks: a thin adapter from build events to the kb package, nothing else."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from kb import build

log = logging.getLogger("mkdocs.hooks.kb")


def on_config(config):
    """Stop the build on any content problem: the very checks `kb check` runs."""
    root = Path(config.config_file_path).resolve().parent
    problems = build.check_once(root)
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise PluginError(f"content problems, the same `kb check` reports:\n{listing}")
    return config
