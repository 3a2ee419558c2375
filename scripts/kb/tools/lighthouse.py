"""Lighthouse 12 (pinned in package-lock.json) on a phone, in Debian's Chromium: the scores
of one page as the mobile preset sees it. The browser tests assert the categories that do
not depend on timing; `kb bench` measures performance, which a busy machine moves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kb.tools.browser import CHROMIUM, CHROMIUM_ARGS

#: The pages people open first, in each language (issue 22): the start page, a manual
#: step, a checklist and the method catalogue.
PAGES = ("", "manual/steg-1-identifiering/", "checklistor/vuxna-sexuell-exploatering/", "metoder/")


class LighthouseFailed(RuntimeError):
    """Lighthouse is missing or could not audit the page."""


def program(root: Path) -> Path:
    return root / "node_modules" / ".bin" / "lighthouse"


def audit(root: Path, url: str, categories: tuple[str, ...]) -> dict:
    """Lighthouse's report (its JSON) for `url`, in the given categories. Run again once
    when Lighthouse reports a runtime error of its own (NO_NAVSTART under load, say)."""
    lighthouse = program(root)
    if not lighthouse.exists():
        raise LighthouseFailed("lighthouse is missing: run make setup (npm ci)")
    if not CHROMIUM.exists():
        raise LighthouseFailed(f"{CHROMIUM} is missing: apt-get install chromium")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as scratch:
        report = Path(scratch) / "report.json"
        command = [str(lighthouse), url, "--quiet", "--output=json", f"--output-path={report}",
                   f"--chrome-flags={flags}", f"--only-categories={','.join(categories)}"]
        for _attempt in (1, 2):
            result = subprocess.run(command, env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
                                    capture_output=True, text=True, timeout=300)
            if result.returncode == 0 or "Runtime error" not in result.stderr:
                break
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise LighthouseFailed(f"Lighthouse could not audit {url}: {last}")
        return json.loads(report.read_text(encoding="utf-8"))


#: Runs Lighthouse on several pages in one Chromium (audit_many).
MANY = Path(__file__).with_name("lighthouse_many.mjs")


def audit_many(root: Path, urls: list[str], categories: tuple[str, ...]) -> list[dict]:
    """Lighthouse's reports for `urls`, in order, from one Node process and one Chromium:
    starting them takes longer than auditing a page. A page Lighthouse could not audit
    there is audited again on its own, as `audit` does it."""
    if not program(root).exists():
        raise LighthouseFailed("lighthouse is missing: run make setup (npm ci)")
    if not CHROMIUM.exists():
        raise LighthouseFailed(f"{CHROMIUM} is missing: apt-get install chromium")
    node = shutil.which("node")
    if node is None:
        raise LighthouseFailed("node is missing: apt-get install nodejs")
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as scratch:
        command = [node, str(MANY), str(CHROMIUM), scratch, ",".join(categories),
                   " ".join(["--headless=new", *CHROMIUM_ARGS]), *urls]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120 + 120 * len(urls))
        reports = []
        for number, url in enumerate(urls):
            report = Path(scratch) / f"{number}.json"
            if report.is_file():
                reports.append(json.loads(report.read_text(encoding="utf-8")))
            elif result.returncode != 0 and not (Path(scratch) / f"{number}.error").is_file() and number == 0:
                last = (result.stderr.strip().splitlines() or ["no message"])[-1]
                raise LighthouseFailed(f"Lighthouse could not start: {last}")
            else:
                reports.append(audit(root, url, categories))
        return reports


def scores(report: dict) -> dict[str, float]:
    return {key: category["score"] for key, category in report["categories"].items()}


def failing_audits(report: dict) -> list[str]:
    """The pass-or-fail audits that failed, as `id: what it found`."""
    return [f"{item['id']}: {item.get('displayValue') or item['title']}" for item in report["audits"].values()
            if item.get("score") is not None and item["score"] < 1 and item.get("scoreDisplayMode") == "binary"]
