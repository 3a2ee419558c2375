"""The package's layout rules, checked on its source, and the build's options.

Only kb/build/ imports the stack; only the build session and the commands read the
environment; languages come from mkdocs.yml, not literals; hooks.py only adapts.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from kb.build.compat import BuildError
from kb.build.session import Options

PACKAGE = ROOT / "scripts" / "kb"
STACK = ("mkdocs", "material", "mkdocs_static_i18n")


def modules() -> dict[str, ast.Module]:
    return {path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_only_kb_build_imports_the_stack():
    outside = {name: sorted(m for m in imported(tree) if m.split(".")[0] in STACK)
               for name, tree in modules().items() if not name.startswith("build/")}
    assert {name: found for name, found in outside.items() if found} == {}


def test_the_layers_import_downwards_only():
    """model knows nothing above it; checks only the model; build not the tools."""
    above = {"model/": ("kb.checks", "kb.build", "kb.tools", "kb.hooks"), "checks/": ("kb.build", "kb.tools"),
             "build/": ("kb.tools",)}
    wrong = [f"{name} imports {module}" for name, tree in modules().items() for layer, banned in above.items()
             if name.startswith(layer) for module in imported(tree) if module.startswith(banned)]
    assert wrong == []


def test_the_environment_is_read_only_where_a_build_or_command_starts():
    allowed = {"build/session.py", "tools/cli.py", "tools/bench.py", "tools/external_links.py",
               "tools/offline_zip.py",
               "tools/lighthouse.py"}  # hands its own environment, with CHROME_PATH, to Lighthouse
    readers = sorted(name for name, tree in modules().items()
                     if any(isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                            for node in ast.walk(tree)))
    assert set(readers) <= allowed, f"{sorted(set(readers) - allowed)} read the environment: pass a parameter"


def test_no_language_is_written_into_the_code():
    """The languages are declared once, in mkdocs.yml; only kb bench's corpus names them."""
    literals = sorted(f"{name}:{node.lineno}" for name, tree in modules().items() if name != "tools/bench.py"
                      for node in ast.walk(tree)
                      if (isinstance(node, ast.Constant) and node.value in ("sv", "en"))
                      or (isinstance(node, ast.Attribute) and node.attr in ("sv", "en")))
    assert literals == []


def test_hooks_only_adapt_one_event_to_one_call():
    tree = modules()["hooks.py"]
    events = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert events, "hooks.py defines no events"
    for event in events:
        assert event.name.startswith("on_"), f"hooks.py: {event.name} is not an MkDocs event"
        assert len(event.body) == 1, f"hooks.py: {event.name} does more than one call"
        calls = [node for node in ast.walk(event.body[0]) if isinstance(node, ast.Call)]
        assert len(calls) == 2, f"hooks.py: {event.name} should be `current().<method>(...)` and nothing else"


def test_the_build_date_is_the_commits_day_whatever_the_clock_says():
    """SOURCE_DATE_EPOCH (the Makefile's: the last commit's time) dates what pages say;
    the clock, here set to another day, dates only the checks."""
    epoch = "1795478400"  # 2026-11-24 00:00 UTC
    options = Options.from_environment({"SOURCE_DATE_EPOCH": epoch}, clock=lambda: date(2031, 5, 17))
    assert options.build_date == date(2026, 11, 24)
    assert options.today == date(2031, 5, 17)


def test_without_an_epoch_the_build_date_is_the_clocks():
    options = Options.from_environment({}, clock=lambda: date(2031, 5, 17))
    assert options.build_date == options.today == date(2031, 5, 17)
    assert not options.include_drafts and not options.poll


def test_kb_today_fixes_both_days_and_make_serve_asks_for_drafts_and_polling():
    options = Options.from_environment({"KB_TODAY": "2026-11-24", "SOURCE_DATE_EPOCH": "0", "KB_DRAFTS": "1",
                                        "KB_POLL": "1"}, clock=lambda: date(2031, 5, 17))
    assert (options.today, options.build_date) == (date(2026, 11, 24), date(2026, 11, 24))
    assert options.include_drafts and options.poll


def test_a_wrong_kb_today_is_a_message():
    with pytest.raises(BuildError, match="KB_TODAY: '24/11/2026' is not a valid date: write it as YYYY-MM-DD"):
        Options.from_environment({"KB_TODAY": "24/11/2026"})


def test_the_readme_lists_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Project layout"):]
    layout = layout[:layout.index("\n## ", 1)]
    missing = [name for name in modules() if not name.endswith("__init__.py") and Path(name).name not in layout]
    assert missing == [], f"README.md's layout does not list {missing}"
