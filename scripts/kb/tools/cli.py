"""The `kb` command: the same checks and reports for contributors, CI and the build.

Each subcommand is one handler function, registered next to its options in parser().
Every handler returns the exit code: 0 done, 1 problems found, 2 a usage error (a wrong
argument, or something to do first, with the message saying what).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

from kb import checks
from kb.checks.scope import Scope
from kb.model import freshness, load, schema, translations
from kb.model.dates import fixed_today, parse_iso_date
from kb.model.load import built_url
from kb.model.problems import FORMATS, formatted, summary
from kb.model.site import Site, SiteConfigError, find_root, load_site
from kb.tools import (
    bench,
    change_summary,
    csp,
    engines,
    external_links,
    lighthouse,
    offline_zip,
    release,
    scaffold,
    search,
    sources_review,
)

OK, PROBLEMS, USAGE = 0, 1, 2


class UsageError(Exception):
    """What was asked for cannot be done as asked; the message says how to ask."""


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `kb freshness | head` ends quietly
    args = parser().parse_args(argv)
    try:
        site = load_site(args.root.resolve() if args.root else find_root())
        return args.handler(site, args)
    except (SiteConfigError, UsageError) as exc:
        print(f"kb {' '.join(filter(None, (args.command, getattr(args, 'kind', None))))}: {exc}", file=sys.stderr)
        return USAGE


def parser() -> argparse.ArgumentParser:
    """Every subcommand, its options and its handler: the table of contents of `kb`."""
    root = argparse.ArgumentParser(prog="kb", description="Kunskapsbanken's content tools.")
    root.add_argument("--root", type=Path, help="the project folder (default: the one holding mkdocs.yml)")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check every page and data file; exit 1 on any problem")
    _today_option(check)
    check.add_argument("--changed-since", metavar="REF",
                       help="a pull request's base (e.g. origin/main): rules about dates look only at the pages and "
                            "contacts changed since then; every other rule looks at everything")
    check.add_argument("--release", action="store_true",
                       help="list instead everything that must be replaced before the site goes live (the deploy "
                            "workflow runs it; not part of make check)")
    check.add_argument("--format", choices=FORMATS, default="text", dest="output_format",
                       help="text: path:line: message (default); github: one ::error workflow command per problem, "
                            "which a pull request shows on its line")
    check.add_argument("--summary", type=Path, metavar="FILE",
                       help="also append a Markdown table of the pages checked (with --changed-since: those the "
                            "change adds or changes), their language, status, translation state and problems, "
                            "e.g. to $GITHUB_STEP_SUMMARY")
    check.set_defaults(handler=run_check)

    fresh = sub.add_parser("freshness", help="which contacts and pages are due, overdue or unverified")
    fresh.add_argument("--json", action="store_true", help="print JSON for machines")
    fresh.add_argument("--strict", action="store_true", help="exit 1 if anything is overdue (the scheduled run)")
    fresh.add_argument("--due", action="store_true",
                       help="list only what is due within 30 days or overdue (--json keeps every row)")
    _today_option(fresh)
    fresh.set_defaults(handler=run_freshness)

    trans = sub.add_parser("translations", help="which pages are translated, missing, outdated or orphaned")
    trans.add_argument("--json", action="store_true", help="print JSON for machines")
    trans.add_argument("--strict", action="store_true",
                       help="exit 1 if a page is missing or outdated in a language that must be complete")
    trans.add_argument("--record", nargs="+", metavar="FILE",
                       help="record in these translations that they match their source as it is now")
    trans.set_defaults(handler=run_translations)

    cite = sub.add_parser("sources", help="each cited sentence of a page beside the passages it cites, for reviewers")
    which = cite.add_mutually_exclusive_group(required=True)
    which.add_argument("--review", metavar="PAGE", help="the page to review, e.g. docs/ansvar/barn.md")
    which.add_argument("--review-all", action="store_true",
                       help="every page whose rules must cite (data/normative.yml), and every page that cites")
    cite.add_argument("--html", type=Path, metavar="OUT",
                      help="write standalone HTML instead of text: with --review the file OUT, with --review-all "
                           "one file per page and index.html in the folder OUT")
    _today_option(cite)
    cite.set_defaults(handler=run_sources)

    find = sub.add_parser("search", help="search the built site offline, ranked as the site's search box")
    find.add_argument("query", nargs="?", help="what to search for")
    find.add_argument("--lang", default=None, help="a language of the site (default: its default language)")
    find.add_argument("--json", action="store_true", help="print JSON for machines")
    find.add_argument("--site", type=Path, default=None, help="the built site (default: site/, from make build)")
    find.add_argument("--eval", nargs="?", const="tests/search/queries.yml", metavar="FILE",
                      help="run the search-quality suite and report hit@1, hit@3 and MRR per language")
    find.add_argument("--min-hit3", type=float, default=0.0, help="with --eval: exit 1 below this hit@3")
    find.set_defaults(handler=run_search)

    ext = sub.add_parser("links", help="check external links with lychee; exit 1 only for confirmed failures")
    ext.add_argument("--config", type=Path, default=None, help="lychee configuration (default: lychee.toml)")
    ext.add_argument("--report-dir", type=Path, default=Path("build"), help="where to write links-report.md/.json")
    ext.add_argument("files", nargs="*", type=Path,
                     help="only these files (default: every page, the contacts and the register of sources)")
    ext.set_defaults(handler=run_links)

    measure = sub.add_parser("bench", help="measure build, check, output and search at scale (or on a built site)")
    measure.add_argument("--pages", type=int, default=None,
                         help="generate this many synthetic methods (both languages) and measure everything")
    measure.add_argument("--repeat", type=int, default=None,
                         help="with --pages: build and bare-build this many times each (default 5, and 1 from "
                              "5,000 methods on, where a turn takes minutes), and ask each search query as many "
                              "times, at most 3; medians count")
    measure.add_argument("--lighthouse-runs", type=int, default=bench.LIGHTHOUSE_RUNS,
                         help="audit each page this many times; the worst score and blocking time count (default 3)")
    measure.add_argument("--site", type=Path, default=None, help="without --pages: the built site (default: site/)")
    measure.add_argument("--lighthouse-page", action="append", default=None, metavar="PATH",
                         help="measure Lighthouse's performance on this page (path below a language's root, "
                              "repeatable; default: the start page, a manual step, a checklist, the catalogue)")
    measure.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    measure.set_defaults(handler=run_bench)

    policy = sub.add_parser("csp", help="print the Content-Security-Policy header line for a built site")
    policy.add_argument("site_dir", type=Path, help="the built site, e.g. site/")
    policy.set_defaults(handler=run_csp)

    both = sub.add_parser("compare-engines", help="build with MkDocs and with ProperDocs; exit 1 if the sites differ")
    both.set_defaults(handler=run_compare_engines)

    off = sub.add_parser("offline", help="build the offline edition as a zip that works from disk")
    off.add_argument("--out", type=Path, default=Path("build/kunskapsbanken-offline.zip"), help="the zip to write")
    off.set_defaults(handler=run_offline)

    new = sub.add_parser("new", help="start a new page from its template",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    new.format_help = functools.partial(_help_with_ids, new)  # the taxonomy is read only when help is asked
    new.add_argument("kind", choices=["method", "exercise"], help="what to create: a method, or a case exercise "
                                                                  "(docs/ovningar/)")
    new.add_argument("--title", help="the method's or exercise's name")
    new.add_argument("--region", help="a method: your region's id, as in data/taxonomy.yml (e.g. syd)")
    new.add_argument("--focus-area", action="append", default=[], dest="focus_areas", metavar="N",
                     help="a focus area by number (1-8) or id; repeat for more")
    new.add_argument("--summary", default="", help="one sentence on what the method is and what it achieves")
    new.add_argument("--problem", default="",
                     help="the problem the method answers, in one sentence (default: the first sentence of "
                          "--section problem, as the share form writes it)")
    new.add_argument("--target-group", action="append", default=[], dest="target_groups", metavar="ID",
                     help="a target group's id (e.g. vuxna); repeat for more")
    new.add_argument("--exploitation-form", action="append", default=[], dest="exploitation_forms", metavar="ID",
                     help="a form of exploitation's id (e.g. tvangsarbete); repeat for more")
    new.add_argument("--actor", action="append", default=[], dest="actors", metavar="ID",
                     help="an actor's id (e.g. polisen); repeat for more")
    new.add_argument("--contact-role", default="", help="whom to ask about the method, a role (default: the "
                                                        "region's coordinator)")
    new.add_argument("--keyword", action="append", default=[], dest="keywords", metavar="WORD",
                     help="a word search should find the method by; repeat, or separate with commas")
    new.add_argument("--section", action="append", nargs=2, default=[], dest="sections", metavar=("ID", "TEXT"),
                     help="the text under one of the template's headings, by the heading's id (e.g. problem; an "
                          "unknown id is refused with the list); repeat for more")
    new.add_argument("--lang", help="the page's language (default: the site's default language); a translation "
                                    "is written next to its existing source page")
    new.add_argument("--profession", action="append", default=[], dest="professions", metavar="ID",
                     help="an exercise: a profession it is for, an actor id (e.g. socialtjansten); repeat for more")
    new.add_argument("--step", action="append", default=[], dest="steps", metavar="N",
                     help="an exercise: a step of the manual it practises, 1 to 6; repeat for more")
    new.add_argument("--minutes", type=int, help="an exercise: about how long it takes (default 30)")
    new.add_argument("--owner", default="", help="an exercise: the role that answers for it (default Redaktionen)")
    _today_option(new)
    new.set_defaults(handler=run_new)

    schemas = sub.add_parser("schema", help="write or compare the JSON Schemas in schemas/")
    mode = schemas.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the schemas (default)")
    mode.add_argument("--check", action="store_true", help="exit 1 if the files differ from the models")
    schemas.set_defaults(handler=run_schema)
    return root


def _today_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--today", type=_iso_date, default=None,
                         help="judge dates as of this day (YYYY-MM-DD) instead of the clock's")


def _iso_date(value: str) -> date:
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _today(args) -> date:
    """--today, else KB_TODAY (the tests' fixed day), else the clock."""
    if getattr(args, "today", None):
        return args.today
    try:
        return fixed_today(os.environ) or date.today()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _progress() -> bool:
    """Long commands show progress on a terminal and stay quiet in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


# --- kb check ---------------------------------------------------------------------------


def run_check(site: Site, args) -> int:
    content = load.load(site)
    if args.release:
        placeholders = release.problems(content)
        for problem in placeholders:
            print(formatted(problem, args.output_format))
        print(f"kb check --release: {len(placeholders) or 'nothing'} to replace before the site goes live.")
        return PROBLEMS if placeholders else OK
    pages, contacts = (None, None) if not args.changed_since else _changed(site, content, args.changed_since)
    problems = checks.run(content, Scope(_today(args), pages, contacts))
    for problem in problems:
        print(formatted(problem, args.output_format))
    print(f"kb check: {len(content.pages)} pages checked. {summary(problems)}")
    if args.summary:
        try:
            with args.summary.open("a", encoding="utf-8") as report:
                report.write(change_summary.table(content, pages, problems))
        except OSError as exc:
            raise UsageError(f"--summary {args.summary}: cannot be written: {exc.strerror}") from None
    return PROBLEMS if problems else OK


def _changed(site: Site, content, base: str) -> tuple[frozenset[str], frozenset[str]]:
    """The pages (docs/… paths) and contacts (ids) changed since `base`, committed or not."""
    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=site.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise UsageError(f"--changed-since {base}: git says: {done.stderr.strip() or 'no such revision'}")
        return done.stdout

    merge_base = git("merge-base", base, "HEAD").strip()
    names = git("diff", "--name-only", "--relative", merge_base, "--").splitlines()
    names += git("ls-files", "--others", "--exclude-standard").splitlines()
    pages = frozenset(name for name in names if name.endswith(".md"))
    contacts_file = content.rel("data/contacts.yml")
    if contacts_file not in names or content.contacts is None:
        return pages, frozenset()
    lines = set()
    for hunk in git("diff", "-U0", merge_base, "--", contacts_file).splitlines():
        if hunk.startswith("@@"):
            start, _, count = hunk.split(" ")[2].lstrip("+").partition(",")
            lines.update(range(int(start), int(start) + max(int(count or 1), 1)))
    starts = sorted((content.contact_line(c.id) or 0, c.id) for c in content.contacts.contacts)
    touched = {cid for n, (first, cid) in enumerate(starts)
               if any(first <= line < (starts[n + 1][0] if n + 1 < len(starts) else 10**9) for line in lines)}
    return pages, frozenset(touched)


# --- kb freshness -----------------------------------------------------------------------


def run_freshness(site: Site, args) -> int:
    """A report; with --strict a gate on anything overdue (the scheduled freshness run)."""
    content = load.load(site)
    if content.contacts is None and any(p.path.startswith("data/contacts") for p in content.problems):
        for problem in content.problems:
            print(problem, file=sys.stderr)
        return PROBLEMS
    today = _today(args)
    items = freshness.items(content, today)
    overdue = args.strict and any(i.state == "overdue" for i in items)
    if args.json:
        print(json.dumps({"today": today.isoformat(), "items": [i.as_dict() for i in items]},
                         ensure_ascii=False, indent=2))
        return PROBLEMS if overdue else OK
    headers = ("state", "kind", "review by", "owner to ask", "what")
    shown = [i for i in items if i.is_due] if args.due else items
    rows = [(i.state, i.kind, i.review_by if i.verified else "never verified", i.owner,
             i.id if i.kind == "contact" else i.path) for i in shown]
    if not rows:
        print(f"Nothing is due or overdue as of {today.isoformat()}.")
        return OK
    widths = [max(len(str(r[n])) for r in [headers, *rows]) for n in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    counts = {s: sum(1 for i in items if i.state == s) for s in freshness.STATES}
    print(f"\n{len(items)} items as of {today.isoformat()}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return PROBLEMS if overdue else OK


# --- kb translations --------------------------------------------------------------------


def run_translations(site: Site, args) -> int:
    content = load.load(site)
    if args.record:
        return _record_revisions(site, content, args.record)
    found = translations.statuses(content)
    drift = translations.citation_drift(content)
    required = translations.required_languages(content)
    if args.json:
        print(json.dumps({"required": required, "pages": [s.as_dict() for s in found],
                          "citations": [d.as_dict() for d in drift]}, ensure_ascii=False, indent=2))
    else:
        for status in found:
            if status.state == "translated":
                continue
            where = status.translation or status.source
            hint = {"missing": f"translate {status.source} into {status.key.removesuffix('.md')}.{status.lang}.md",
                    "outdated": f"update it from {status.source}, then `kb translations --record {where}`",
                    "orphaned": "its source page is gone: delete it or restore the source"}[status.state]
            print(f"{status.state:<9} {status.lang}  {where}: {hint}")
        for item in drift:
            print(f"citations {item.lang}  {item.translation}: {_drift_hint(item)}")
        counts = {state: sum(1 for s in found if s.state == state) for state in translations.STATES}
        print(", ".join(f"{n} {state}" for state, n in counts.items()) + f", {len(drift)} citing other sources")
    failing = [s for s in found if s.lang in required and s.state in ("missing", "outdated")]
    failing += [d for d in drift if d.lang in required]
    return PROBLEMS if args.strict and failing else OK


def _drift_hint(drift: translations.CitationDrift) -> str:
    parts = []
    if drift.only_in_source:
        parts.append(f"{drift.source} cites {', '.join(drift.only_in_source)}, which it does not")
    if drift.only_in_translation:
        parts.append(f"it cites {', '.join(drift.only_in_translation)}, which {drift.source} does not")
    return "; ".join(parts) + ": cite the same passages as the source, sentence by sentence"


def _record_revisions(site: Site, content, files: list[str]) -> int:
    """Write each translation's source_revision, so it counts as up to date with its source.
    Each file is written whole or not at all; a file that cannot be recorded is named with
    the reason (exit 1 for a problem in it, 2 for a file that is not a translation)."""
    pages = {p.path.resolve(): p for p in content.pages}
    wrong, failed = [], False
    for name in files:
        path = (Path.cwd() / name).resolve()
        page = pages.get(path)
        source = content.page(page.key, site.default_language) if page else None
        if page is None:
            wrong.append(f"{name}: no such file" if not path.exists() else
                         f"{name}: not a page under {content.rel(site.docs_dir.name)}/ (a .md file)")
        elif page.lang == site.default_language:
            wrong.append(f"{name}: a page in the default language ({page.lang}), not a translation: record its "
                         f"translation, e.g. {page.rel.removesuffix('.md')}.{site.languages[-1]}.md")
        elif source is None:
            wrong.append(f"{name}: its source page {content.rel(site.docs_dir.name + '/' + page.key)} does "
                         "not exist, so there is nothing to match")
        elif source.meta is None:
            wrong.append(f"{name}: its source page {source.rel} has problems: fix them first (`kb check`)")
        else:
            try:
                print(f"{page.rel}: source_revision: {translations.record(page, source)}")
            except translations.RecordError as exc:
                print(f"{page.rel}:{exc.line}: {exc.message}" if exc.line else f"{page.rel}: {exc.message}")
                failed = True
    if wrong:
        raise UsageError("; ".join(wrong))
    return PROBLEMS if failed else OK


# --- kb sources -------------------------------------------------------------------------


def run_sources(site: Site, args) -> int:
    """The review of one page's citations, or of every page's; exit 1 when a page reviewed
    has problems with its citations (each printed as path:line: message)."""
    content = load.load(site)
    today = _today(args)
    if args.review_all:
        if args.html:
            reviews = _written(args.html, lambda: sources_review.write_all(content, args.html, today))
            print(f"kb sources: {len(reviews)} pages reviewed in {args.html}/ (open index.html)")
        else:
            reviews = [sources_review.review(content, page, today) for page in sources_review.pages_to_review(content)]
            print("\n".join(sources_review.as_text(item) for item in reviews), end="")
    else:
        try:
            page = sources_review.find_page(content, args.review, Path.cwd())
        except sources_review.UnknownPage as exc:
            raise UsageError(str(exc)) from None
        reviews = [sources_review.review(content, page, today)]
        if args.html:
            _written(args.html, lambda: _write_file(args.html, sources_review.as_html(reviews[0])))
            print(f"kb sources: {page.rel} reviewed in {args.html}")
        else:
            print(sources_review.as_text(reviews[0]), end="")
    problems = sorted({p for item in reviews for p in item.problems}, key=lambda p: (p.path, p.line or 0))
    if args.html:
        for problem in problems:
            print(problem)
    return PROBLEMS if problems else OK


def _written(target: Path, write):
    try:
        return write()
    except OSError as exc:
        raise UsageError(f"--html {target}: cannot be written: {exc.strerror}") from None


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- kb search --------------------------------------------------------------------------


def run_search(site: Site, args) -> int:
    site_dir = (args.site or site.root / "site").resolve()
    if args.eval:
        return _search_eval(site, site_dir, Path(args.eval), args.min_hit3, args.json)
    if not args.query:
        raise UsageError("give a query, e.g. kb search \"reflektionstid\" --lang sv")
    loaded = _search_index(site, site_dir, args.lang or site.default_language)
    hits = search.search(loaded, args.query)
    if args.json:
        print(json.dumps([{"location": h.location, "title": h.title, "score": round(h.score, 4)} for h in hits],
                         ensure_ascii=False, indent=2))
    else:
        for rank, hit in enumerate(hits, start=1):
            print(f"{rank:>2}. {hit.title}  ({hit.location or '/'})")
        if not hits:
            meant = search.suggestions(loaded, args.query)
            print("No pages found." + (f" Did you mean: {', '.join(meant)}?" if meant else ""))
    return OK


def _search_index(site: Site, site_dir: Path, lang: str):
    if lang not in site.languages:
        raise UsageError(f"unknown language '{lang}': use one of {', '.join(site.languages)}")
    path = search.index_file(site_dir, site.default_language, lang)
    if not path.is_file():
        raise UsageError(f"{path} is missing: run `make build` first (or pass --site)")
    return search.build_index(path, site.root, lang)


def _search_eval(site: Site, site_dir: Path, suite: Path, min_hit3: float, as_json: bool) -> int:
    """The quality suite: a list of cases, each a query in a language and the pages it should
    find. A suite that is not one is a usage error, each mistake named at its line."""
    from kb.model import frontmatter, yamlio

    try:
        raw = suite.read_bytes()
    except OSError as exc:
        raise UsageError(f"{suite}: cannot be read: {exc.strerror}") from None
    mistakes: list[tuple[int | None, str]] = []
    cases: list = []
    try:
        doc = yamlio.load(frontmatter.decode(raw))
        cases = doc.data
    except UnicodeDecodeError as exc:
        mistakes.append((frontmatter.bad_utf8_line(raw, exc), "is not UTF-8 text: save it with UTF-8 encoding"))
    except yamlio.YamlError as exc:
        mistakes.append((exc.line, exc.message))
    fields = {"query": "the words to search for", "lang": f"one of {', '.join(site.languages)}",
              "expect": "a list of the page keys it should find, e.g. [manual/steg-2-akut-skydd.md], or [] for a "
                        "query that should find nothing"}
    if not mistakes and not (isinstance(cases, list) and cases):
        mistakes.append((1, "should be a list of cases, each starting with '- query:' and with lang and expect"))
    elif not mistakes:
        for number, case in enumerate(cases, start=1):
            line = doc.line_of((number - 1,), 1)
            if not isinstance(case, dict):
                mistakes.append((line, f"case {number} should be 'query:', 'lang:' and 'expect:' lines"))
                continue
            for key in sorted(set(case) - {*fields, "browser"}, key=str):
                mistakes.append((doc.line_of((number - 1, key), line),
                                 f"case {number}: unknown field '{key}': use query, lang, expect and browser"))
            for key, what in fields.items():
                if key not in case:
                    mistakes.append((line, f"case {number} has no '{key}': add {what}"))
            query, lang, expect = case.get("query"), case.get("lang"), case.get("expect")
            if "query" in case and not (isinstance(query, str) and query.strip()):
                mistakes.append((doc.line_of((number - 1, "query"), line), f"case {number}: 'query' should be text"))
            if "lang" in case and lang not in site.languages:
                mistakes.append((doc.line_of((number - 1, "lang"), line),
                                 f"case {number}: 'lang' is '{lang}': use {fields['lang']}"))
            if "expect" in case:
                at = doc.line_of((number - 1, "expect"), line)
                if not (isinstance(expect, list) and all(isinstance(k, str) for k in expect)):
                    mistakes.append((at, f"case {number}: 'expect' should be {fields['expect']}"))
                else:
                    mistakes += [(at, f"case {number}: 'expect' names {key}, which is no page in "
                                      f"{site.docs_dir.name}/: use a page's path there, e.g. index.md")
                                 for key in expect if "\x00" in key or not (site.docs_dir / key).is_file()]
            if not isinstance(case.get("browser", False), bool):
                mistakes.append((doc.line_of((number - 1, "browser"), line),
                                 f"case {number}: 'browser' should be true or false"))
    if mistakes:
        for line, message in sorted(mistakes, key=lambda mistake: mistake[0] or 0):
            print(f"{suite}:{line}: {message}" if line else f"{suite}: {message}", file=sys.stderr)
        print(f"kb search: {suite} is not a search-quality suite: fix the {len(mistakes)} "
              f"mistake{'s' if len(mistakes) != 1 else ''} above", file=sys.stderr)
        return USAGE
    report, failed = {}, False
    for lang in site.languages:
        mine = [c for c in cases if c.get("lang") == lang]
        if not mine:
            continue
        index = _search_index(site, site_dir, lang)
        ranks = []
        for case in mine:
            expected = {built_url(key) for key in case["expect"]}
            found = [h.location for h in search.search(index, case["query"])]
            rank = next((i for i, loc in enumerate(found, start=1) if loc in expected), None)
            if not expected:  # expect: [] - it should find nothing, and the box then shows its help
                rank = None if found else 1
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
    return PROBLEMS if failed else OK


# --- kb links, bench, csp, offline ------------------------------------------------------


def run_links(site: Site, args) -> int:
    content = load.load(site)
    config = (args.config or site.root / "lychee.toml").resolve()
    report_dir = args.report_dir if args.report_dir.is_absolute() else site.root / args.report_dir
    try:
        return external_links.check(content, config, report_dir, [f.resolve() for f in args.files] or None)
    except RuntimeError as exc:
        raise UsageError(str(exc)) from None


def run_bench(site: Site, args) -> int:
    missing = bench.missing_tools(site.root)
    if missing:  # said before minutes of measuring, not after
        raise UsageError(f"kb bench needs {' and '.join(missing)}")
    if args.pages is not None:
        return _bench_at_scale(site, args)
    site_dir = (args.site or site.root / "site").resolve()
    if not (site_dir / "index.html").is_file():
        raise UsageError(f"{site_dir} has no index.html: run `make build` first (or pass --site)")
    try:
        measured = {"search": bench.search_latency([site_dir], site.languages, _progress())[0]}
        phone = bench.lighthouse_performance(site.root, site_dir, site.languages, _lighthouse_pages(args),
                                             _progress(), args.lighthouse_runs)
    except RuntimeError as exc:
        print(f"kb bench: {exc}", file=sys.stderr)
        return PROBLEMS
    measured.update(lighthouse_performance=phone, lighthouse_performance_worst=min(phone.values()))
    if args.json:
        print(json.dumps(measured, ensure_ascii=False))
    else:
        for lang, values in measured["search"].items():
            print(f"search {lang}: first result {values['load_to_first_result_ms']:.0f} ms after page load "
                  f"(worst {values['worst_load_to_first_result_ms']:.0f} ms), "
                  f"{values['ready_to_first_result_ms']:.0f} ms after typing once the index is ready")
        for path, score in phone.items():
            print(f"Lighthouse on a phone, {path}: performance {score:.2f}")
    return OK


def _lighthouse_pages(args) -> tuple[str, ...]:
    """--lighthouse-page as paths below a language's root ("" the start page, "metoder/")."""
    if not args.lighthouse_page:
        return lighthouse.PAGES
    return tuple(page.strip("/") + "/" if page.strip("/") else "" for page in args.lighthouse_page)


def _bench_at_scale(site: Site, args) -> int:
    if args.pages < 1 or (args.repeat is not None and args.repeat < 1) or args.lighthouse_runs < 1:
        raise UsageError("--pages, --repeat and --lighthouse-runs must be 1 or more")
    try:
        measured = bench.build_at_scale(site.root, args.pages, _progress(), args.repeat, _today(args),
                                        _lighthouse_pages(args), args.lighthouse_runs)
    except RuntimeError as exc:
        print(f"kb bench: {exc}", file=sys.stderr)
        return PROBLEMS
    if not args.json:
        for key, value in measured.items():
            print(f"{key:>24}: {value}")
    print(bench.report_json(measured) if args.json else "")
    return OK


def run_csp(site: Site, args) -> int:
    if not (args.site_dir / "index.html").is_file():
        raise UsageError(f"{args.site_dir} has no index.html: run `make build` first")
    return csp.write_header(site.root, args.site_dir)


def run_compare_engines(site: Site, args) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kb-engines-") as scratch:
        try:
            different, failure = engines.compare(site.root, Path(scratch))
        except engines.EngineMissing as exc:
            raise UsageError(str(exc)) from None
    if failure:
        print(f"kb compare-engines: {failure}", file=sys.stderr)
        return PROBLEMS
    for name in different:
        print(f"site/{name}: differs between {' and '.join(engines.ENGINES)} beyond the generator tag")
    print(f"kb compare-engines: {len(different) or 'no'} file{'s' if len(different) != 1 else ''} differ"
          f"{'' if different else ' (only the generator tag does)'}.")
    return PROBLEMS if different else OK


def run_offline(site: Site, args) -> int:
    archive = args.out if args.out.is_absolute() else site.root / args.out
    return offline_zip.build(site.root, archive.parent / "offline-site", archive)


# --- kb new method and kb new exercise ----------------------------------------------------------------------


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def _help_with_ids(new: argparse.ArgumentParser) -> str:
    new.epilog = _taxonomy_ids()
    return argparse.ArgumentParser.format_help(new)


def _taxonomy_ids() -> str | None:
    """The ids `kb new method` takes, for its --help: read from data/taxonomy.yml when kb runs
    in the project (the taxonomy is the one list; nothing is repeated here). Read as plain
    YAML, since every kb command builds this parser: `kb check` validates the file."""
    try:
        site = load_site(find_root())
        data = yaml.safe_load((site.data_dir / "taxonomy.yml").read_text(encoding="utf-8"))
        lang = site.default_language

        def label(term: dict) -> str:
            return str((term.get("label") or {}).get(lang, ""))

        lines = ["regions (--region):", *(f"  {r['id']:<12} {label(r)}" for r in data["regions"]),
                 "focus areas (--focus-area, by number or id):",
                 *(f"  {a['number']} {a['id']:<16} {label(a)}" for a in data["focus_areas"])]
        for kind, flag in (("target_groups", "--target-group"), ("exploitation_forms", "--exploitation-form"),
                           ("actors", "--actor")):
            lines.append(f"{kind.replace('_', ' ')} ({flag}): {', '.join(str(t['id']) for t in data[kind])}")
    except (SiteConfigError, OSError, ValueError, RecursionError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return None  # outside the project, or a taxonomy kb check will report
    return "\n".join(lines)


def run_new(site: Site, args) -> int:
    content = load.load(site)
    if content.taxonomy is None:
        print("kb new: data/taxonomy.yml has problems; run `kb check` first", file=sys.stderr)
        return PROBLEMS
    if args.kind == "exercise":
        return run_new_exercise(site, args, content.taxonomy)
    taxonomy, lang = content.taxonomy, site.default_language
    interactive = sys.stdin.isatty()
    title, region, areas = args.title, args.region, args.focus_areas
    if interactive and not title:
        title = _ask("Metodens namn (title): ")
    if interactive and not region:
        print("Regioner: " + ", ".join(f"{r.id} ({r.label.get(lang)})" for r in taxonomy.regions))
        region = _ask("Din region (region id): ")
    if interactive and not areas:
        for area in taxonomy.focus_areas:
            print(f"  {area.number}. {area.label.get(lang)}")
        areas = _ask("Insatsområden, nummer med komma emellan (focus areas, e.g. 3,5): ").replace(",", " ").split()
    title, region, areas = title or "", region or "", areas or []
    sections: dict[str, str] = {}
    for section_id, text in args.sections:
        if section_id in sections:
            raise UsageError(f"--section {section_id} is given twice: give each section once")
        sections[section_id] = text
    try:
        path = scaffold.new_method(
            site, taxonomy, title, region, areas, args.lang, _today(args), summary=args.summary,
            problem=args.problem, target_groups=args.target_groups, exploitation_forms=args.exploitation_forms,
            actors=args.actors, contact_role=args.contact_role, keywords=args.keywords, sections=sections,
            content=content, warn=lambda hint: print(f"kb new method: note: {hint}", file=sys.stderr))
    except scaffold.ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    relative = path.relative_to(site.root)
    print(f"Created {relative}")
    print("Next:")
    print(f"  1. Open {relative} and replace every <REQUIRED: …> with your text.")
    print("  2. Run `make check` (or `kb check`): it lists anything still missing, with file and line.")
    print("  3. Preview with `make serve`, then open a pull request (see CONTRIBUTING.md).")
    return OK


def run_new_exercise(site: Site, args, taxonomy) -> int:
    """kb new exercise: a case exercise in docs/ovningar/ from the template."""
    title = args.title
    if sys.stdin.isatty() and not title:
        title = _ask("Övningens namn (title): ")
    if not title:
        raise UsageError("missing --title, e.g. kb new exercise --title \"Första mötet på akuten\" "
                         "--profession halso-och-sjukvard --step 1 --step 2")
    for flag, given in (("--region", args.region), ("--summary", args.summary), ("--problem", args.problem),
                        ("--actor", args.actors), ("--contact-role", args.contact_role), ("--keyword", args.keywords),
                        ("--section", args.sections)):
        if given:
            raise UsageError(f"{flag} is for a method: an exercise takes --profession, --focus-area, --target-group, "
                             "--exploitation-form, --step, --minutes and --owner")
    try:
        path = scaffold.new_exercise(
            site, taxonomy, title, args.lang, _today(args), professions=args.professions,
            focus_areas=args.focus_areas, target_groups=args.target_groups,
            exploitation_forms=args.exploitation_forms, steps=args.steps, minutes=args.minutes, owner=args.owner)
    except scaffold.ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    relative = path.relative_to(site.root)
    print(f"Created {relative}")
    print("Next:")
    print(f"  1. Open {relative} and replace every <REQUIRED: …> with your text: the case, each stage, its")
    print("     question, the options and the feedback on each (CONTRIBUTING.md: Propose an exercise).")
    print("  2. Run `make check` (or `kb check`): it lists anything still missing, with file and line.")
    print("  3. Preview with `make serve`, then open a pull request (see CONTRIBUTING.md).")
    return OK


# --- kb schema --------------------------------------------------------------------------


def render_schema(json_schema: dict) -> str:
    return json.dumps(json_schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def run_schema(site: Site, args) -> int:
    folder = site.root / "schemas"
    stale = []
    for name, json_schema in schema.json_schemas(site.complete_languages).items():
        path, text = folder / name, render_schema(json_schema)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(f"schemas/{name}: differs from the models: run `kb schema --write` and commit it")
        else:
            folder.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote schemas/{name}")
    for line in stale:
        print(line)
    return PROBLEMS if stale else OK


if __name__ == "__main__":
    sys.exit(main())
