"""Read docs/ and data/ once into the content model, collecting every problem on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from kb.model import frontmatter, yamlio
from kb.model.contacts import Contact, Contacts
from kb.model.problems import Problem, rel
from kb.model.schema import PAGE_TYPES, Glossary, PageBase, Taxonomy, UiStrings
from kb.model.site import Site
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
    ui: UiStrings | None = None
    contacts: Contacts | None = None
    contacts_doc: yamlio.YamlDoc | None = None
    contact_positions: dict[str, int] = field(default_factory=dict)  # id -> index in the file's list

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
        return [p for p in self.pages if p.meta is not None]


#: Pages read before in this process, by path: (size and mtime, page, its problems).
#: `mkdocs serve` loads the content for every save; only changed files are read again.
_read_before: dict[Path, tuple[tuple[int, int], PageFile, list[Problem]]] = {}


def load(site: Site) -> Content:
    content = Content(site)
    _load_data_files(content)
    for path in sorted(site.docs_dir.rglob("*.md")):
        stat = path.stat()
        if not S_ISREG(stat.st_mode):
            continue
        stamp = (stat.st_size, stat.st_mtime_ns)
        before = _read_before.get(path)
        if before and before[0] == stamp and before[1].key == page_identity(path, site)[0]:
            page, problems = before[1], before[2]
        else:
            page, problems = _load_page(path, site)
            _read_before[path] = (stamp, page, problems)
        content.pages.append(page)
        content.problems.extend(problems)
    content.by_key = {(p.key, p.lang): p for p in content.pages}
    return content


def read_yaml_file(path: Path, site: Site, problems: list[Problem]) -> yamlio.YamlDoc | None:
    """A data file as a YamlDoc, or None with the reason added to problems."""
    name = rel(path, site.root)
    try:
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
    try:
        return yamlio.load(text)
    except yamlio.YamlError as exc:
        problems.append(Problem(name, exc.line, exc.message))
        return None


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
    content.ui = _load_ui(content)
    _load_contacts(content)


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
    doc = yamlio.YamlDoc({"strings": doc.data}, {("strings", *k): v for k, v in doc.lines.items()}, doc.duplicates)
    ui, problems = validate(UiStrings, doc, rel(path, content.site.root), languages=content.site.complete_languages)
    content.problems.extend(problems)
    return ui


def page_identity(path: Path, site: Site) -> tuple[str, str]:
    """(key, lang) from a file name: page.md is the default language, page.en.md English."""
    relative = path.relative_to(site.docs_dir).as_posix()
    stem = relative[: -len(".md")]
    for lang in site.languages[1:]:
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


def _load_page(path: Path, site: Site) -> tuple[PageFile, list[Problem]]:
    """One page and the problems found in it alone (the checks look across pages)."""
    key, lang = page_identity(path, site)
    page = PageFile(path, rel(path, site.root), key, lang)
    found: list[Problem] = []
    add = found.append
    raw = path.read_bytes()
    try:
        page.text = frontmatter.decode(raw)
    except UnicodeDecodeError as exc:
        line = frontmatter.bad_utf8_line(raw, exc)
        add(Problem(page.rel, line, "is not UTF-8 text: save the file with UTF-8 encoding"))
        return page, found
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
    page.meta, problems = validate(model, page.doc, page.rel, split.front_line, site.complete_languages)
    found.extend(p for p in problems if not _has_placeholder(page.text, p.line))
    return page, found


def _has_placeholder(text: str, line: int | None) -> bool:
    """Errors on a line with a template placeholder are said once, by the placeholder check."""
    if not line:
        return False
    lines = text.split("\n")
    return 0 < line <= len(lines) and "<REQUIRED:" in lines[line - 1]
