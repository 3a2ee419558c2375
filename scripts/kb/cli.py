"""The `kb` command: the same checks and reports for contributors, CI and the build."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from . import bench, checks, csp, dates, freshness, links, load, model, offline, scaffold, search, translations
from .load import built_url
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

    trans = sub.add_parser("translations", help="which pages are translated, missing, outdated or orphaned")
    trans.add_argument("--json", action="store_true", help="print JSON for machines")
    trans.add_argument("--strict", action="store_true",
                       help="exit 1 if a page is missing or outdated in a language that must be complete")
    trans.add_argument("--record", nargs="+", metavar="FILE",
                       help="record in these translations that they match their source as it is now")

    find = sub.add_parser("search", help="search the built site offline, ranked as the site's search box")
    find.add_argument("query", nargs="?", help="what to search for")
    find.add_argument("--lang", default=None, help="sv or en (default: the site's default language)")
    find.add_argument("--json", action="store_true", help="print JSON for machines")
    find.add_argument("--site", type=Path, default=None, help="the built site (default: site/, from make build)")
    find.add_argument("--eval", nargs="?", const="tests/search/queries.yml", metavar="FILE",
                      help="run the search-quality suite and report hit@1, hit@3 and MRR per language")
    find.add_argument("--min-hit3", type=float, default=0.0, help="with --eval: exit 1 below this hit@3")

    ext = sub.add_parser("links", help="check external links with lychee; exit 1 only for confirmed failures")
    ext.add_argument("--config", type=Path, default=None, help="lychee configuration (default: lychee.toml)")
    ext.add_argument("--report-dir", type=Path, default=Path("build"), help="where to write links-report.md/.json")
    ext.add_argument("files", nargs="*", type=Path, help="only these files (default: every page and contacts)")

    bench_cmd = sub.add_parser("bench", help="measure build, check, output and search at scale (or on a built site)")
    bench_cmd.add_argument("--pages", type=int, default=None,
                           help="generate this many synthetic methods (both languages) and measure everything")
    bench_cmd.add_argument("--repeat", type=int, default=5,
                           help="with --pages: build and bare-build this many times each (default 5); medians count")
    bench_cmd.add_argument("--site", type=Path, default=None, help="without --pages: the built site (default: site/)")
    bench_cmd.add_argument("--json", action="store_true", help="print one JSON object as the last line")

    csp_cmd = sub.add_parser("csp", help="print the Content-Security-Policy header line for a built site")
    csp_cmd.add_argument("site_dir", type=Path, help="the built site, e.g. site/")

    off = sub.add_parser("offline", help="build the offline edition as a zip that works from disk")
    off.add_argument("--out", type=Path, default=Path("build/kunskapsbanken-offline.zip"), help="the zip to write")

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
    if args.command == "links":
        content = load.load(site)
        config = (args.config or site.root / "lychee.toml").resolve()
        report_dir = args.report_dir if args.report_dir.is_absolute() else site.root / args.report_dir
        try:
            return links.check(content, config, report_dir, [f.resolve() for f in args.files] or None)
        except RuntimeError as exc:
            print(f"kb links: {exc}", file=sys.stderr)
            return 2
    if args.command == "bench" and args.pages is not None:
        if args.pages < 1 or args.repeat < 1:
            print("kb bench: --pages and --repeat must be 1 or more", file=sys.stderr)
            return 2
        progress = sys.stderr.isatty() and not os.environ.get("CI")
        try:
            measured = bench.build_at_scale(site.root, args.pages, progress, args.repeat)
        except RuntimeError as exc:
            print(f"kb bench: {exc}", file=sys.stderr)
            return 1
        if not args.json:
            for key, value in measured.items():
                print(f"{key:>24}: {value}")
        print(bench.report_json(measured) if args.json else "")
        return 0
    if args.command == "bench":
        site_dir = (args.site or site.root / "site").resolve()
        if not (site_dir / "index.html").is_file():
            print(f"kb bench: {site_dir} has no index.html: run `make build` first (or pass --site)", file=sys.stderr)
            return 1
        progress = sys.stderr.isatty() and not os.environ.get("CI")
        try:
            measured = {"search": bench.search_latency(site_dir, site.languages, progress)}
        except RuntimeError as exc:
            print(f"kb bench: {exc}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps(measured, ensure_ascii=False))
        else:
            for lang, values in measured["search"].items():
                print(f"search {lang}: first result {values['load_to_first_result_ms']:.0f} ms after page load "
                      f"(worst {values['worst_load_to_first_result_ms']:.0f} ms), "
                      f"{values['ready_to_first_result_ms']:.0f} ms after typing once the index is ready")
        return 0
    if args.command == "csp":
        if not (args.site_dir / "index.html").is_file():
            print(f"kb csp: {args.site_dir} has no index.html: run `make build` first", file=sys.stderr)
            return 1
        print(csp.nginx_header(args.site_dir), end="")
        return 0
    if args.command == "offline":
        archive = args.out if args.out.is_absolute() else site.root / args.out
        return offline.build(site.root, archive.parent / "offline-site", archive)
    if args.command == "search":
        return _search(site, args)
    if args.command == "translations":
        return _translations(site, args)
    if args.command == "new":
        return _new_method(site, args)
    if args.command == "freshness":
        return _freshness(site, args.today or dates.today(), as_json=args.json)
    return _schema(site.root, check_only=args.check)


def _search(site, args) -> int:
    site_dir = (args.site or site.root / "site").resolve()
    if args.eval:
        return _search_eval(site, site_dir, Path(args.eval), args.min_hit3, args.json)
    if not args.query:
        print("kb search: give a query, e.g. kb search \"reflektionstid\" --lang sv", file=sys.stderr)
        return 2
    lang = args.lang or site.default_language
    index = _search_index(site, site_dir, lang)
    if index is None:
        return 1
    hits = search.search(index, args.query)
    if args.json:
        print(json.dumps([{"location": h.location, "title": h.title, "score": round(h.score, 4)} for h in hits],
                         ensure_ascii=False, indent=2))
    else:
        for rank, hit in enumerate(hits, start=1):
            print(f"{rank:>2}. {hit.title}  ({hit.location or '/'})")
        if not hits:
            print("No pages found.")
    return 0


def _search_index(site, site_dir: Path, lang: str):
    if lang not in site.languages:
        print(f"kb search: unknown language '{lang}': use one of {', '.join(site.languages)}", file=sys.stderr)
        return None
    path = search.index_file(site_dir, site.default_language, lang)
    if not path.is_file():
        print(f"kb search: {path} is missing: run `make build` first (or pass --site)", file=sys.stderr)
        return None
    return search.build_index(path, site.root, lang)


def _search_eval(site, site_dir: Path, suite: Path, min_hit3: float, as_json: bool) -> int:
    import yaml

    try:
        cases = yaml.safe_load(suite.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        print(f"kb search: {suite}: cannot be read: {exc}", file=sys.stderr)
        return 1
    report, failed = {}, False
    for lang in site.languages:
        mine = [c for c in cases if c.get("lang") == lang]
        if not mine:
            continue
        index = _search_index(site, site_dir, lang)
        if index is None:
            return 1
        ranks = []
        for case in mine:
            expected = {built_url(key) for key in case["expect"]}
            found = [h.location for h in search.search(index, case["query"])]
            rank = next((i for i, loc in enumerate(found, start=1) if loc in expected), None)
            ranks.append({"query": case["query"], "rank": rank, "top": found[:3]})
        count = len(ranks)
        scores = {
            "queries": count,
            "hit@1": sum(1 for r in ranks if r["rank"] == 1) / count,
            "hit@3": sum(1 for r in ranks if r["rank"] and r["rank"] <= 3) / count,
            "mrr": sum(1 / r["rank"] for r in ranks if r["rank"]) / count,
            "misses": [r for r in ranks if not r["rank"] or r["rank"] > 3],
        }
        report[lang] = scores
        failed |= scores["hit@3"] < min_hit3
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for lang, scores in report.items():
            print(f"{lang}: {scores['queries']} queries  hit@1 {scores['hit@1']:.2f}  hit@3 {scores['hit@3']:.2f}  "
                  f"MRR {scores['mrr']:.2f}")
            for miss in scores["misses"]:
                print(f"    miss: '{miss['query']}' (rank {miss['rank']}; top: {', '.join(miss['top']) or 'none'})")
    return 1 if failed else 0


def _translations(site, args) -> int:
    content = load.load(site)
    if args.record:
        return _record_revisions(site, content, args.record)
    found = translations.statuses(content)
    required = translations.required_languages(content)
    if args.json:
        print(json.dumps({"required": required, "pages": [s.as_dict() for s in found]}, ensure_ascii=False, indent=2))
    else:
        for status in found:
            if status.state == "translated":
                continue
            where = status.translation or status.source
            hint = {"missing": f"translate {status.source} into {status.key.removesuffix('.md')}.{status.lang}.md",
                    "outdated": f"update it from {status.source}, then `kb translations --record {where}`",
                    "orphaned": "its source page is gone: delete it or restore the source"}[status.state]
            print(f"{status.state:<9} {status.lang}  {where}: {hint}")
        counts = {state: sum(1 for s in found if s.state == state) for state in translations.STATES}
        print(", ".join(f"{n} {state}" for state, n in counts.items()))
    failing = [s for s in found if s.lang in required and s.state in ("missing", "outdated")]
    return 1 if args.strict and failing else 0


def _record_revisions(site, content, files: list[str]) -> int:
    """Write each translation's source_revision, so it counts as up to date with its source."""
    problems = 0
    for name in files:
        path = (Path.cwd() / name).resolve()
        page = next((p for p in content.pages if p.path.resolve() == path), None)
        source = content.page(page.key, site.default_language) if page else None
        if page is None or page.lang == site.default_language or source is None or source.meta is None:
            print(f"kb translations: {name}: not a translation of an existing, valid page", file=sys.stderr)
            problems += 1
            continue
        print(f"{page.rel}: source_revision: {translations.record(page, source)}")
    return 1 if problems else 0


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
