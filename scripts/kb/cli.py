"""The `kb` command: the same checks and reports for contributors, CI and the build."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from . import checks, dates, freshness, load, model, scaffold
from .problems import summary
from .site import SiteConfigError, find_root, load_site


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `kb freshness | head` ends quietly
    parser = argparse.ArgumentParser(prog="kb", description="Kunskapsbanken's content tools.")
    parser.add_argument("--root", type=Path, help="the project folder (default: the one holding mkdocs.yml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("check", help="check every page and data file; exit 1 on any problem")

    fresh = sub.add_parser("freshness", help="which contacts and pages are due, overdue or unverified")
    fresh.add_argument("--json", action="store_true", help="print JSON for machines")
    fresh.add_argument("--today", type=_iso_date, help="judge as of this date (YYYY-MM-DD), for reproducible runs")

    new = sub.add_parser("new", help="start a new page from its template")
    new.add_argument("kind", choices=["method"], help="what to create")
    new.add_argument("--title", help="the method's name")
    new.add_argument("--region", help="your region's id: nord, mitt, bergslagen, stockholm, ost, vast or syd")
    new.add_argument("--focus-area", action="append", default=[], dest="focus_areas", metavar="N",
                     help="a focus area by number (1-8) or id; repeat for more")
    new.add_argument("--lang", help="the page's language (default: the site's default language)")

    schema = sub.add_parser("schema", help="write or compare the JSON Schemas in schemas/")
    mode = schema.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the schemas (default)")
    mode.add_argument("--check", action="store_true", help="exit 1 if the files differ from the models")

    args = parser.parse_args(argv)
    try:
        site = load_site(args.root.resolve() if args.root else find_root())
    except SiteConfigError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(site)
    if args.command == "new":
        return _new_method(site, args)
    if args.command == "freshness":
        return _freshness(site, args.today or dates.today(), as_json=args.json)
    return _schema(site.root, check_only=args.check)


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def _new_method(site, args) -> int:
    content = load.load(site)
    if content.taxonomy is None:
        print("kb new: data/taxonomy.yml has problems; run `kb check` first", file=sys.stderr)
        return 1
    taxonomy = content.taxonomy
    interactive = sys.stdin.isatty()
    title, region, areas = args.title, args.region, args.focus_areas
    if interactive and not title:
        title = _ask("Metodens namn (title): ")
    if interactive and not region:
        print("Regioner: " + ", ".join(f"{r.id} ({r.label.sv})" for r in taxonomy.regions))
        region = _ask("Din region (region id): ")
    if interactive and not areas:
        for area in taxonomy.focus_areas:
            print(f"  {area.number}. {area.label.sv}")
        areas = _ask("Insatsområden, nummer med komma emellan (focus areas, e.g. 3,5): ").replace(",", " ").split()
    missing = [flag for flag, value in (("--title", title), ("--region", region), ("--focus-area", areas)) if not value]
    if missing:
        print(f"kb new method: missing {', '.join(missing)}, e.g. "
              "kb new method --title \"Uppsökande arbete\" --region syd --focus-area 3", file=sys.stderr)
        return 1
    try:
        path = scaffold.new_method(site, taxonomy, title, region, areas, args.lang)
    except scaffold.ScaffoldError as exc:
        print(f"kb new method: {exc}", file=sys.stderr)
        return 1
    relative = path.relative_to(site.root)
    print(f"Created {relative}")
    print("Next:")
    print(f"  1. Open {relative} and replace every <REQUIRED: …> with your text.")
    print("  2. Run `make check` (or `kb check`): it lists anything still missing, with file and line.")
    print("  3. Preview with `make serve`, then open a pull request (see CONTRIBUTING.md).")
    return 0


def _iso_date(value: str):
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _freshness(site, today, as_json: bool) -> int:
    """A report, not a gate: exit 0 unless the data cannot be read (kb check is the gate)."""
    content = load.load(site)
    if content.contacts is None and any(p.path.startswith("data/contacts") for p in content.problems):
        for problem in content.problems:
            print(problem, file=sys.stderr)
        return 1
    items = freshness.items(content, today)
    if as_json:
        print(json.dumps({"today": today.isoformat(), "items": [i.as_dict() for i in items]},
                         ensure_ascii=False, indent=2))
        return 0
    headers = ("state", "kind", "review by", "owner to ask", "what")
    rows = [(i.state, i.kind, i.review_by, i.owner, i.id if i.kind == "contact" else i.path) for i in items]
    widths = [max(len(str(r[n])) for r in [headers, *rows]) for n in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    counts = {s: sum(1 for i in items if i.state == s) for s in freshness.STATES}
    print(f"\n{len(items)} items as of {today.isoformat()}: "
          + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _check(site) -> int:
    content = load.load(site)
    problems = checks.run(content)
    for problem in problems:
        print(problem)
    pages = len(content.pages)
    print(f"kb check: {pages} pages checked. {summary(problems)}")
    return 1 if problems else 0


def render_schema(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _schema(root: Path, check_only: bool) -> int:
    folder = root / "schemas"
    stale = []
    for name, schema in model.json_schemas().items():
        path, text = folder / name, render_schema(schema)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if check_only:
            stale.append(f"schemas/{name}: differs from the models: run `kb schema --write` and commit it")
        else:
            folder.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote schemas/{name}")
    for line in stale:
        print(line)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
