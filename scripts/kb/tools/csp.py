"""kb csp: the Content-Security-Policy line for nginx, and the gate before it.

The policy lists the hashes of the theme's own inline scripts, derived from the theme's
templates and mkdocs.yml, never from the built pages (kb.build.content_policy says how).
`kb csp site/` checks every page of the built site: an inline script the theme does not
write, an event handler attribute or a javascript: link is a problem at its page and line
(the policy would block it in the reader's browser), and nothing is written. Otherwise it
writes the header line deploy/nginx.conf includes:

    .venv/bin/kb csp site/ > /etc/nginx/kunskapsbanken-csp.conf.new \\
      && mv /etc/nginx/kunskapsbanken-csp.conf.new /etc/nginx/kunskapsbanken-csp.conf

Every built page also carries the policy in a <meta> (without frame-ancestors, which only
a header can carry), so a host without headers is covered too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kb.build import content_policy
from kb.model.problems import Problem, summary


@dataclass(frozen=True)
class Result:
    problems: list[Problem]  # printed as `path:line: message`; any makes `kb csp` exit 1
    header: str  # the nginx line, to print when there is no problem


def check(root: Path, site_dir: Path) -> Result:
    """The nginx header line for the site built from the project at `root` into site_dir,
    and the inline code in it that the policy blocks."""
    found = content_policy.site_policy(root, site_dir)
    return Result(found.problems, nginx_line(found.header))


def nginx_line(policy: str) -> str:
    return f'add_header Content-Security-Policy "{policy}" always;\n'


def write_header(root: Path, site_dir: Path, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`kb csp`: the header line on `out` and 0, or each problem on `err`, nothing on `out`
    (it is usually redirected into nginx's configuration) and 1."""
    out, err = out or sys.stdout, err or sys.stderr
    result = check(root, site_dir)
    for problem in result.problems:
        print(problem, file=err)
    if result.problems:
        print(f"kb csp: {summary(result.problems)} Nothing written: the policy would block them.", file=err)
        return 1
    print(result.header, end="", file=out)
    return 0
