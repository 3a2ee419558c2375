"""The Content-Security-Policy the built site satisfies.

The theme puts a few small inline scripts in every page; instead of allowing inline
scripts in general, the policy lists the hash of each one found in the built site.
`kb csp site/` writes the nginx header line that deploy/nginx.conf includes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def inline_script_hashes(site_dir: Path) -> list[str]:
    hashes = set()
    for page in site_dir.rglob("*.html"):
        for match in INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            if "application/json" in match.group(1):
                continue  # data, never executed
            digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return sorted(hashes)


def policy(site_dir: Path) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(site_dir)])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'none'; frame-ancestors 'none'")


def nginx_header(site_dir: Path) -> str:
    return f'add_header Content-Security-Policy "{policy(site_dir)}" always;\n'
