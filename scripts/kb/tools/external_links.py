"""External links: checked with lychee on a schedule, reported by page and owner.

Only confirmed failures fail the run (404, 410, a name that does not resolve): a site
that is slow, busy or briefly down gives a warning, so it never blocks anyone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from kb.model.load import Content

CONFIRMED_CODES = {404, 410}
DNS_SIGNS = ("dns error", "failed to lookup address", "name or service not known", "no such host",
             "nodename nor servname")


@dataclass(frozen=True)
class Result:
    url: str
    source: str  # the file the link is in
    line: int | None
    owner: str
    state: str  # ok, broken or warning
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def classify(status: dict) -> str:
    """ok, broken (confirmed: exit 1) or warning (may pass later)."""
    code = status.get("code")
    text = f"{status.get('text', '')} {status.get('details', '')}".lower()
    if isinstance(code, int) and 200 <= code < 300:
        return "ok"
    if code in CONFIRMED_CODES or any(sign in text for sign in DNS_SIGNS):
        return "broken"
    return "warning"


def inputs(content: Content) -> list[Path]:
    """Every page, the contacts, and the register of sources: each passage's link is one a reader follows."""
    return [page.path for page in content.pages] + [content.site.data_dir / name
                                                    for name in ("contacts.yml", "sources.yml")]


def owners(content: Content) -> dict[str, str]:
    """Who to ask about links in each file: the page's owner, or who verified the contacts."""
    found = {page.rel: page.meta.owner for page in content.valid_pages()}
    if content.contacts:
        roles = sorted({c.verified_by for c in content.contacts.contacts})
        found[content.rel("data/contacts.yml")] = ", ".join(roles)
    return found


def run_lychee(files: list[Path], config: Path, cwd: Path, show_progress: bool) -> dict:
    lychee = Path(sys.executable).parent / "lychee"
    command = [str(lychee), "--config", str(config), "--format", "json", "--verbose", *map(str, files)]
    if not show_progress:
        command.insert(1, "--no-progress")
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=None if show_progress else subprocess.PIPE,
                          text=True)
    if done.returncode not in (0, 2) or not done.stdout.strip():
        raise RuntimeError(f"lychee failed (exit {done.returncode}): {(done.stderr or '').strip()[:500]}")
    return json.loads(done.stdout)


def results(report: dict, root: Path, owner_of: dict[str, str]) -> list[Result]:
    found = []
    for key in ("success_map", "error_map", "timeout_map", "fail_map"):
        for source, entries in (report.get(key) or {}).items():
            path = Path(source)
            rel = (path if path.is_absolute() else root / path).resolve()
            try:
                shown = rel.relative_to(root.resolve()).as_posix()
            except ValueError:
                shown = source
            for entry in entries:
                status = entry.get("status", {})
                detail = status.get("text", "") + (f": {status['details']}" if status.get("details") else "")
                found.append(Result(entry["url"], shown, (entry.get("span") or {}).get("line"),
                                    owner_of.get(shown, "Redaktionen"), classify(status), detail))
    return sorted(found, key=lambda r: (r.owner, r.source, r.line or 0, r.url))


def markdown_report(found: list[Result]) -> str:
    problems = [r for r in found if r.state != "ok"]
    lines = ["# External links", "",
             f"{len(found)} links checked: {sum(r.state == 'broken' for r in found)} broken, "
             f"{sum(r.state == 'warning' for r in found)} to watch, {sum(r.state == 'ok' for r in found)} fine.", ""]
    for owner in sorted({r.owner for r in problems}):
        lines += [f"## {owner}", ""]
        for source in sorted({r.source for r in problems if r.owner == owner}):
            lines.append(f"### {source}")
            lines.append("")
            for r in (x for x in problems if x.owner == owner and x.source == source):
                mark = "**broken**" if r.state == "broken" else "warning"
                lines.append(f"- {mark}: <{r.url}> (line {r.line}): {r.detail}")
            lines.append("")
    return "\n".join(lines) + "\n"


def check(content: Content, config: Path, report_dir: Path, files: list[Path] | None = None) -> int:
    """Run lychee, write links-report.md/.json, print the problems; exit 1 only if something is broken."""
    show_progress = sys.stderr.isatty() and not os.environ.get("CI")
    root = content.site.root
    report = run_lychee(files or inputs(content), config, root, show_progress)
    found = results(report, root, owners(content))
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "links-report.md").write_text(markdown_report(found), encoding="utf-8")
    (report_dir / "links-report.json").write_text(
        json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for r in found:
        if r.state != "ok":
            print(f"{r.source}:{r.line or ''}: {'broken' if r.state == 'broken' else 'warning'}: {r.url}: {r.detail} "
                  f"(ask {r.owner})")
    broken = sum(r.state == "broken" for r in found)
    print(f"kb links: {len(found)} links, {broken} broken, {sum(r.state == 'warning' for r in found)} warnings. "
          f"Report: {report_dir / 'links-report.md'}")
    return 1 if broken else 0
