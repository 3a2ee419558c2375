"""Addresses as a browser reads them, so a rule about a URL cannot be dodged by its spelling.

Browsers decode character references in attributes, drop tabs and newlines anywhere in a
URL and trim control characters and spaces at its ends: "java&#x09;script:", "java\\tscript:"
and " javascript:" all run script. Every URL rule normalises first.
"""

from __future__ import annotations

import html
import re

_INVISIBLE = re.compile(r"[\t\n\r]")
_ENDS = "".join(chr(c) for c in range(0x21))  # C0 controls and the space
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

#: Addresses set aside for examples and tests (RFC 2606 and 6761): never a real one.
RESERVED = re.compile(r"(?<![\w.-])(?:[\w.+-]+@)?(?:[a-z0-9-]+\.)*(?:example\.(?:org|com|net)"
                      r"|[a-z0-9-]+\.(?:example|test|invalid|localhost))(?![\w-])", re.IGNORECASE)

#: Where the official consolidated text of Swedish statutes is published: the Riksdag.
OFFICIAL_STATUTE_HOSTS = ("riksdagen.se", "www.riksdagen.se", "data.riksdagen.se")

#: Schemes a link on a page may use; anything else (javascript:, data:, vbscript:, file: …) may not.
LINK_SCHEMES = ("https", "http", "mailto", "tel")


def as_browser_reads(url: str) -> str:
    return _INVISIBLE.sub("", html.unescape(url)).strip(_ENDS)


def scheme(url: str) -> str | None:
    """The scheme in lower case, or None for an address relative to this site."""
    match = _SCHEME.match(as_browser_reads(url))
    return match.group(1).lower() if match else None


def same_site(url: str) -> bool:
    """A relative address of this site: no scheme and no host (not //host or \\\\host)."""
    cleaned = as_browser_reads(url)
    return scheme(cleaned) is None and not re.match(r"^[/\\]{2}", cleaned)


def host(url: str) -> str:
    """The host in lower case, or "" when the address has none."""
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#:@\s]+@)?([^/?#:\s]+)", as_browser_reads(url))
    return match.group(2).lower() if match else ""


def is_reserved(url_host: str) -> bool:
    """A host set aside for examples (example.org, *.test …), which `kb check --release` lists."""
    return bool(RESERVED.fullmatch(url_host))
