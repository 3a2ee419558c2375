"""Read docs/ and data/ once into the content model, collecting every problem on the way."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.model import frontmatter, yamlio
from kb.model.contacts import Contact, Contacts
from kb.model.normative import Rules, load_rules
from kb.model.problems import Problem, rel
from kb.model.schema import PAGE_TYPES, Glossary, PageBase, Taxonomy, Terminology, UiStrings
from kb.model.site import Site
from kb.model.sources import Register, load_register
from kb.model.validate import validate, validate_items


@dataclass
class PageFile:
    """One Markdown file: where it is, which page and language it is, and what it says."""

    path: Path
    rel: str  # as shown in messages, e.g. docs/manual/identifiering.en.md
    key: str  # the page across languages: the docs-relative path without language suffix
    lang: str
    text: str = ""
    body: str = ""
    body_line: int = 1
    doc: yamlio.YamlDoc | None = None
    meta: PageBase | None = None

    def raw(self, key: str) -> object:
        """A front-matter value as written, even when the page failed validation."""
        data = self.doc.data if self.doc else None
        return data.get(key) if isinstance(data, dict) else None

    def line_of(self, *loc: str | int) -> int:
        return (self.doc.line_of(tuple(loc)) if self.doc else None) or 1


@dataclass
class Content:
    site: Site
    taxonomy: Taxonomy | None = None
    taxonomy_doc: yamlio.YamlDoc | None = None
    glossary: Glossary | None = None
    glossary_doc: yamlio.YamlDoc | None = None
    terminology: Terminology | None = None
    terminology_doc: yamlio.YamlDoc | None = None
    ui: UiStrings | None = None
    ui_doc: yamlio.YamlDoc | None = None  # data/ui.yml as written: its keys and their lines
    contacts: Contacts | None = None
    contacts_doc: yamlio.YamlDoc | None = None
    contact_positions: dict[str, int] = field(default_factory=dict)  # id -> index in the file's list
    sources: Register | None = None  # data/sources.yml: the passages pages cite
    normative: Rules | None = None  # data/normative.yml: which sentences state a rule, on which pages

    def contact_line(self, contact_id: str, *loc: str | int) -> int | None:
        return self.contacts_doc.line_of(("contacts", self.contact_positions[contact_id], *loc))
    pages: list[PageFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    by_key: dict[tuple[str, str], PageFile] = field(default_factory=dict)

    def page(self, key: str, lang: str) -> PageFile | None:
        return self.by_key.get((key, lang))

    def rel(self, relative: str) -> str:
        """A project path as messages show it."""
        return rel(self.site.root / relative, self.site.root)

    def valid_pages(self) -> list[PageFile]:
        """The pages whose front matter was read. Kept once per list of pages: the build asks
        for every page it renders, and a new list each time made a build grow with n²."""
        stamp = (id(self.pages), len(self.pages))
        cached = self.__dict__.get("_valid")
        if cached is None or cached[0] != stamp:
            cached = self.__dict__["_valid"] = (stamp, [p for p in self.pages if p.meta is not None])
        return list(cached[1])

    def generated(self, kind: str) -> PageFile | None:
        """The default-language page that says `generated: kind`, if any. Looked up once per
        list of pages: every built page links the A–Ö page and the catalogue."""
        stamp = (id(self.pages), len(self.pages))
        cached = self.__dict__.get("_generated")
        if cached is None or cached[0] != stamp:
            found: dict[str, PageFile] = {}
            for page in self.valid_pages():
                if page.meta.generated and page.lang == self.site.default_language:
                    found.setdefault(page.meta.generated, page)
            cached = self.__dict__["_generated"] = (stamp, found)
        return cached[1].get(kind)


#: Pages read before in this process, by path: (size and mtime, page, its problems).
#: `mkdocs serve` loads the content for every save; only changed files are read again.
_read_before: dict[Path, tuple[tuple[int, int], PageFile, list[Problem]]] = {}

#: Larger files are refused before they are read: no page or data file is near these sizes
#: (the largest page is some 7 kB), and each check and the build would spend long on them.
MAX_PAGE_BYTES = 1_000_000
MAX_DATA_BYTES = 5_000_000
#: No line typed by hand is this long; pasted data is (and the checks read line by line).
MAX_LINE = 10_000
#: MkDocs builds files with these endings as pages too, but only .md pages are checked.
OTHER_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd")
#: Characters that are not text: NUL (a file saved as UTF-16 has one in every other byte),
#: other control characters, and the line and paragraph separators that YAML counts as
#: line breaks (they shift every line number after them).
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def load(site: Site) -> Content:
    content = Content(site)
    _load_data_files(content)
    files, problems = docs_files(site)
    content.problems.extend(problems)
    for path, stat in files:
        stamp = (stat.st_size, stat.st_mtime_ns)
        before = _read_before.get(path)
        if before and before[0] == stamp and before[1].key == page_identity(path, site)[0]:
            page, problems = before[1], before[2]
        else:
            page, problems = _load_page(path, site, stat.st_size)
            _read_before[path] = (stamp, page, problems)
        content.pages.append(page)
        content.problems.extend(problems)
    content.by_key = {(p.key, p.lang): p for p in content.pages}
    content.problems.extend(_same_address(content))
    return content


def release_front_matter(content: Content) -> None:
    """Drop each page's front matter as written (the YAML with a line for every key: 100 MB
    at 10,000 methods), which only the checks read, once they have run: `mkdocs build`
    renders from the validated `meta`. The pages are forgotten by the cache of pages read
    before, so a later load in this process reads them again, front matter and all."""
    for page in content.pages:
        page.doc = None
        _read_before.pop(page.path, None)


# --- the files under docs/ ------------------------------------------------------------


def docs_files(site: Site) -> tuple[list[tuple[Path, os.stat_result]], list[Problem]]:
    """The pages under docs/ (regular .md files, by path) and what is wrong with any file or
    folder there: a name that breaks a checkout or a web address, a symbolic link, a
    folder named like a page, something that is not a file. Hidden names (.git, .DS_Store,
    an editor's lock file) are left out, as MkDocs leaves them out of the site."""
    found: list[tuple[Path, os.stat_result]] = []
    problems: list[Problem] = []
    if not site.docs_dir.is_dir():
        return found, [Problem(rel(site.docs_dir, site.root), None,
                               "is missing: the folder of pages (docs_dir in mkdocs.yml)")]
    folders = [(site.docs_dir, rel(site.docs_dir, site.root))]  # (folder, as shown in messages)
    while folders:
        folder, shown_folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(shown_folder, None, f"cannot be read: {exc.strerror}"))
            continue
        problems += _name_clashes(shown_folder, entries)
        for entry in entries:
            shown = f"{shown_folder}/{entry.name}"
            problems += [Problem(shown, None, message) for message in name_problems(entry.name, shown)]
            if entry.is_symlink():
                problems.append(Problem(shown, None, _symlink_message(Path(entry.path), site)))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.endswith((".md", *OTHER_MARKDOWN)):
                    problems.append(Problem(shown, None, f"is a folder named like a page: rename the folder "
                                                         f"(e.g. to {entry.name.rsplit('.', 1)[0]})"))
                folders.append((Path(entry.path), shown))
            elif not entry.is_file(follow_symlinks=False):
                problems.append(Problem(shown, None, "is not a file or folder (a pipe, socket or device): delete it"))
            elif entry.name.endswith(OTHER_MARKDOWN):
                problems.append(Problem(shown, None, f"is built as a page, but only pages ending in .md are "
                                                     f"checked: rename it to {entry.name.rsplit('.', 1)[0]}.md"))
            elif entry.name.endswith(".md"):
                try:
                    found.append((Path(entry.path), entry.stat(follow_symlinks=False)))
                except OSError as exc:  # gone since the folder was listed
                    problems.append(Problem(shown, None, f"cannot be read: {exc.strerror}"))
    return sorted(found, key=lambda item: item[0]), problems


#: Windows refuses these names, with any extension (con.md too).
_RESERVED = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))}
_WINDOWS_FORBIDDEN = set('<>:"|?*\\')
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
#: Windows checks out paths of at most 260 characters, counted from the drive.
MAX_PATH = 150


def name_problems(name: str, shown: str) -> list[str]:
    """What is wrong with a file or folder name under docs/: it must check out on Windows
    and macOS and become a web address that needs no escaping."""
    found = []
    if len(shown) > MAX_PATH:
        found.append(f"the path is {len(shown)} characters long: a checkout on Windows fails on long paths; "
                     f"shorten the name so the path has at most {MAX_PATH}")
    stem = name.split(".", 1)[0]
    if _SAFE_NAME.fullmatch(name) and not name.endswith(".") and stem.lower() not in _RESERVED:
        return found  # nearly every name: one regular expression
    suggestion = safe_name(name)
    forbidden = sorted({c for c in name if c in _WINDOWS_FORBIDDEN or ord(c) < 32})
    if name.endswith("~") or name.startswith("~$") or name.startswith("#") and name.endswith("#"):
        found.append("is an editor's backup, autosave or lock file, which the build would publish: delete it")
    elif forbidden:
        shown_chars = " ".join(repr(c) for c in forbidden)
        found.append(f"the name has {shown_chars}, which Windows does not allow in file names (a checkout there "
                     f"fails): rename it to {suggestion}")
    elif name.endswith((".", " ")):
        found.append(f"the name ends in a dot or a space, which Windows drops (a checkout there fails): "
                     f"rename it to {suggestion}")
    elif stem.lower() in _RESERVED:
        found.append(f"'{stem}' is a device name on Windows, which no file may have there (a checkout fails): "
                     f"rename it, e.g. to {stem}-1{name[len(stem):]}")
    elif not _SAFE_NAME.fullmatch(name):
        unsafe = sorted({"a space" if c == " " else f"'{c}'" for c in name if not _SAFE_NAME.fullmatch(c)})
        listed = " and ".join([", ".join(unsafe[:-1]), unsafe[-1]] if len(unsafe) > 1 else unsafe)
        found.append(f"the name has {listed}, which a web address cannot hold as it is (the build's links to it "
                     f"break): use only letters a-z, digits and hyphens; rename it to {suggestion}")
    return found


def safe_name(name: str) -> str:
    """A name that checks out everywhere and needs no escaping in a web address: lower-case
    ASCII letters, digits and hyphens, keeping the dots of `.en.md` (å, ä -> a, ö -> o)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    safe = re.sub(r"-*\.-*", ".", re.sub(r"[^a-z0-9._]+", "-", ascii_name)).strip("-. ")
    return safe if safe.strip(".") else "page" + (".md" if name.endswith(".md") else "")


def _name_clashes(shown_folder: str, entries: list[os.DirEntry]) -> list[Problem]:
    """Names that differ only in upper and lower case (or in how an accent is encoded):
    Windows and macOS keep one file for both, so a checkout there loses one."""
    first: dict[str, str] = {}
    found = []
    for entry in entries:
        same = unicodedata.normalize("NFC", entry.name).casefold()
        if same in first:
            found.append(Problem(f"{shown_folder}/{entry.name}", None,
                                 f"differs from {first[same]} only in upper and lower case: Windows and macOS keep "
                                 "only one of the two, so a checkout there loses the other; rename or merge them"))
        else:
            first[same] = entry.name
    return found


def _symlink_message(path: Path, site: Site) -> str:
    target = os.readlink(path)
    windows = "links do not survive a checkout on Windows"
    try:
        resolved = path.resolve(strict=True)
    except RuntimeError:
        return f"is a symbolic link to '{target}' that leads back to itself (a loop): delete it"
    except OSError:
        return f"is a symbolic link to '{target}', which does not exist: delete it, or put the file itself here"
    if path.parent.resolve().is_relative_to(resolved):
        return (f"is a symbolic link to '{target}', a folder it is in, so the folders never end (a loop): "
                "delete it")
    if not resolved.is_relative_to(site.docs_dir.resolve()):
        return (f"is a symbolic link to '{target}', outside docs/: the build would publish whatever it points "
                "to. Delete it, and copy the file into docs/ if it belongs on the site")
    return (f"is a symbolic link to '{target}': {windows}, and MkDocs would build the same file twice. "
            "Put the file itself here, or link to the page in Markdown")


def _same_address(content: Content) -> list[Problem]:
    """Two pages MkDocs would write to one address (x.md and x/index.md): it drops one."""
    first: dict[tuple[str, str], PageFile] = {}
    found = []
    default_suffix = f".{content.site.default_language}.md"
    for page in content.pages:
        where = (page.lang, built_url(page.key))
        if where not in first:
            first[where] = page
            continue
        other = first[where]
        if page.meta is not None and page.meta.generated or other.rel.endswith(default_suffix):
            page, other = other, page  # blame the file that takes the address, not the one that has it
        if page.rel.endswith(default_suffix):
            found.append(Problem(page.rel, None, f"ends in {default_suffix}, the default language's suffix, so it is "
                                                 f"the same page as {other.rel} (a page in the default language has "
                                                 f"no suffix): merge the two into {other.rel} and delete this file"))
        else:
            found.append(Problem(page.rel, None, f"becomes the same web address as {other.rel} (/{where[1]}): rename "
                                                 "or merge one of them"))
    return found


# --- data/ ----------------------------------------------------------------------------


def read_yaml_file(path: Path, site: Site, problems: list[Problem]) -> yamlio.YamlDoc | None:
    """A data file as a YamlDoc, or None with the reason added to problems."""
    name = rel(path, site.root)
    if path.is_symlink():
        problems.append(Problem(name, None, "is a symbolic link: put the file itself here (links do not "
                                            "survive a checkout on Windows)"))
        return None
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            problems.append(Problem(name, None, f"is {_megabytes(size)}: a data file must stay under "
                                                f"{_megabytes(MAX_DATA_BYTES)}; split it or remove what does "
                                                "not belong"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot be read: {exc.strerror}"))
        return None
    try:
        text = frontmatter.decode(raw)
    except UnicodeDecodeError as exc:
        line = frontmatter.bad_utf8_line(raw, exc)
        problems.append(Problem(name, line, "is not UTF-8 text: save the file with UTF-8 encoding"))
        return None
    not_text = text_problems(name, text)
    if not_text:
        problems.extend(not_text)
        return None
    try:
        return yamlio.load(text)
    except yamlio.YamlError as exc:
        problems.append(Problem(name, exc.line, exc.message))
        return None


def text_problems(name: str, text: str) -> list[Problem]:
    """Characters that are not text, and lines too long to be typed: reported once per
    file (the first place), since such a file is usually not text at all."""
    found = []
    bad = NOT_TEXT.search(text)
    if bad:
        char = bad.group()
        line = text.count("\n", 0, bad.start()) + 1
        if char == "\x00":
            message = ("has a NUL character, which is not text: files saved as UTF-16 have them, and files that "
                       "are not text at all; save it as UTF-8 text")
        else:
            label = {"\u2028": " (LINE SEPARATOR)", "\u2029": " (PARAGRAPH SEPARATOR)"}.get(char, "")
            message = f"has the invisible character U+{ord(char):04X}{label}, which is not text: delete it"
        found.append(Problem(name, line, message))
    if len(text) > MAX_LINE:
        for number, line_text in enumerate(text.split("\n"), start=1):
            if len(line_text) > MAX_LINE:
                found.append(Problem(name, number, f"the line is {len(line_text):,} characters long: break it "
                                                   f"into lines of at most {MAX_LINE:,} (pasted data does not "
                                                   "belong here)", rule="long_line"))
                break
    return found


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _load_data(content: Content, name: str, model: type, purpose: str):
    """A data file validated against its model: (model or None, YamlDoc or None)."""
    path = content.site.data_dir / name
    if not path.is_file():
        content.problems.append(Problem(rel(path, content.site.root), None, f"is missing: {purpose}"))
        return None, None
    doc = read_yaml_file(path, content.site, content.problems)
    if doc is None:
        return None, None
    value, problems = validate(model, doc, rel(path, content.site.root), languages=content.site.complete_languages)
    content.problems.extend(problems)
    return value, doc


def _load_data_files(content: Content) -> None:
    content.taxonomy, content.taxonomy_doc = _load_data(
        content, "taxonomy.yml", Taxonomy, "the taxonomy every page refers to")
    content.glossary, content.glossary_doc = _load_data(
        content, "glossary.yml", Glossary, "the glossary that explains terms and abbreviations")
    content.terminology, content.terminology_doc = _load_data(
        content, "terms.yml", Terminology, "the house terms every page is checked against")
    content.ui = _load_ui(content)
    _load_contacts(content)
    content.sources = _load_with(content, "sources.yml", "the register of sources pages cite", load_register,
                                 content.site.complete_languages)
    content.normative = _load_with(content, "normative.yml", "which sentences state a rule and must cite",
                                   load_rules, tuple(PAGE_TYPES), content.site.languages,
                                   content.site.complete_languages)


def _load_with(content: Content, name: str, purpose: str, reader, *args):
    """A data file read by its own loader, which returns (value, problems)."""
    path = content.site.data_dir / name
    if not path.is_file():
        content.problems.append(Problem(rel(path, content.site.root), None, f"is missing: {purpose}"))
        return None
    doc = read_yaml_file(path, content.site, content.problems)
    if doc is None:
        return None
    value, problems = reader(doc, rel(path, content.site.root), *args)
    content.problems.extend(problems)
    return value


def _load_contacts(content: Content) -> None:
    """Each contact on its own: one bad entry does not hide the checks on the others."""
    path = content.site.data_dir / "contacts.yml"
    if not path.is_file():
        content.problems.append(Problem(rel(path, content.site.root), None, "is missing: the contacts the site shows"))
        return
    doc = read_yaml_file(path, content.site, content.problems)
    if doc is None:
        return
    items, problems = validate_items(Contact, doc, rel(path, content.site.root), "contacts",
                                     content.site.complete_languages)
    content.problems.extend(problems)
    content.contacts_doc = doc
    for index, contact in list(items):
        if _beyond_calendar(contact.verified_on, contact.review_in):
            line = doc.line_of(("contacts", index, "verified_on"))
            content.problems.append(Problem(rel(path, content.site.root), line,
                                            f"'verified_on' is {contact.verified_on.isoformat()}, in the future: "
                                            "use the date the contact was really verified"))
            items.remove((index, contact))
    if items:
        content.contacts = Contacts.model_construct(contacts=[contact for _, contact in items])
        content.contact_positions = {contact.id: index for index, contact in items}


def _load_ui(content: Content) -> UiStrings | None:
    path = content.site.data_dir / "ui.yml"
    doc = read_yaml_file(path, content.site, content.problems) if path.is_file() else None
    if doc is None:
        if not path.is_file():
            content.problems.append(Problem(rel(path, content.site.root), None, "is missing: the build's own texts"))
        return None
    content.ui_doc = doc
    doc = yamlio.YamlDoc({"strings": doc.data}, {("strings", *k): v for k, v in doc.lines.items()}, doc.duplicates)
    ui, problems = validate(UiStrings, doc, rel(path, content.site.root), languages=content.site.complete_languages)
    content.problems.extend(problems)
    return ui


def page_identity(path: Path, site: Site) -> tuple[str, str]:
    """(key, lang) from a file name: page.md is the default language, page.en.md English."""
    relative = path.relative_to(site.docs_dir).as_posix()
    stem = relative[: -len(".md")]
    for lang in site.languages:  # page.sv.md is the default language's page.md, as static-i18n reads it
        if stem.endswith("." + lang):
            return stem[: -len(lang) - 1] + ".md", lang
    return relative, site.default_language


def built_url(key: str, directory_urls: bool = True) -> str:
    """Where MkDocs writes a page, relative to the site root: manual/steg-1/ with directory
    URLs (index.md -> ''), manual/steg-1.html without them (the offline edition)."""
    stem = key.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def _load_page(path: Path, site: Site, size: int) -> tuple[PageFile, list[Problem]]:
    """One page and the problems found in it alone (the checks look across pages). A page
    that is too large or not text keeps no text: no check reads it further."""
    key, lang = page_identity(path, site)
    page = PageFile(path, rel(path, site.root), key, lang)
    found: list[Problem] = []
    add = found.append
    if size > MAX_PAGE_BYTES:
        add(Problem(page.rel, None, f"is {_megabytes(size)}: a page must stay under {_megabytes(MAX_PAGE_BYTES)}; "
                                    "split it into several pages, and link to large documents instead"))
        return page, found
    try:
        raw = path.read_bytes()
    except OSError as exc:
        add(Problem(page.rel, None, f"cannot be read: {exc.strerror}"))
        return page, found
    try:
        text = frontmatter.decode(raw)
    except UnicodeDecodeError as exc:
        line = frontmatter.bad_utf8_line(raw, exc)
        add(Problem(page.rel, line, "is not UTF-8 text: save the file with UTF-8 encoding"))
        return page, found
    not_text = text_problems(page.rel, text)
    if not_text:
        found.extend(not_text)
        return page, found
    page.text = text
    try:
        split = frontmatter.split(page.text)
    except frontmatter.FrontMatterError as exc:
        add(Problem(page.rel, exc.line, exc.message))
        return page, found
    page.body, page.body_line = split.body, split.body_line
    if split.front is None:
        add(Problem(page.rel, 1, "has no front matter: start the file with a '---' block "
                                 "(see the template in CONTRIBUTING.md)"))
        return page, found
    try:
        page.doc = yamlio.load(split.front, split.front_line)
    except yamlio.YamlError as exc:
        if not _has_placeholder(page.text, exc.line):
            add(Problem(page.rel, exc.line, exc.message))
        return page, found
    data = page.doc.data
    if not isinstance(data, dict):
        add(Problem(page.rel, split.front_line, "the front matter should be 'key: value' lines"))
        return page, found
    page_type = data.get("type")
    model = PAGE_TYPES.get(page_type) if isinstance(page_type, str) else None
    if model is None:
        valid = ", ".join(PAGE_TYPES)
        if page_type is None:
            add(Problem(page.rel, split.front_line, f"'type' is missing: add one of {valid}"))
        else:
            add(Problem(page.rel, page.line_of("type"), f"unknown type '{page_type}': use one of {valid}"))
        return page, found
    page.meta, problems = validate(model, _without_retired(page.doc), page.rel, split.front_line,
                                   site.complete_languages)
    found.extend(p for p in problems if not _has_placeholder(page.text, p.line))
    if page.meta and _beyond_calendar(page.meta.last_reviewed_on, page.meta.review_months):
        page.meta = None  # its next review is past the year 9999; checks/future_dates.py says what to do
    return page, found


#: Front-matter keys pages no longer hold: kb.checks.citations says, at the key's line,
#: what replaced each, and the page is checked as if it were not there.
RETIRED_KEYS = ("sources",)


def _without_retired(doc: yamlio.YamlDoc) -> yamlio.YamlDoc:
    if not any(key in doc.data for key in RETIRED_KEYS):
        return doc
    return yamlio.YamlDoc({k: v for k, v in doc.data.items() if k not in RETIRED_KEYS}, doc.lines, doc.duplicates)


def _beyond_calendar(day: date, months: int) -> bool:
    """Whether a review date plus its months passes the last date Python knows (9999-12-31)."""
    return day.year + (day.month - 1 + months) // 12 > date.max.year


def _has_placeholder(text: str, line: int | None) -> bool:
    """Errors on a line with a template placeholder are said once, by the placeholder check."""
    if not line:
        return False
    lines = text.split("\n")
    return 0 < line <= len(lines) and "<REQUIRED:" in lines[line - 1]
