"""A method page's file from a contributor's answers: the template, the slug rule, the checks
on each answer, and the one renderer.

`kb new method` renders with it; the share page's form (overrides/assets/kb-share.js) gets
the same template, rules and taxonomy from the build as data and fills them in the same way,
so the same answers give the same file, byte for byte (tests/browser/test_share_form.py).
The template is the only thing a contributor copies by hand on GitHub, so it stays readable:
`{title}` and the other slots mark what to replace, `<REQUIRED: …>` what to write.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kb.model import frontmatter, text, text_rules
from kb.model.load import MAX_LINE, MAX_PATH, NOT_TEXT, Content
from kb.model.problems import rel
from kb.model.schema import Taxonomy
from kb.model.site import Site

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Methods live in docs/<METHODS_FOLDER>/<region>/<slug>.md.
METHODS_FOLDER = "metoder"

#: The slug rule, as data the browser applies too: the title decomposed (å -> a + ring),
#: anything outside ASCII dropped, lower case, every run of other characters one hyphen.
SLUG = {"normalize": "NFKD", "separator": "[^a-z0-9]+", "join": "-"}
#: A double-quoted YAML text: these characters get a backslash, nothing else changes.
YAML_ESCAPES = {"\\": "\\\\", '"': '\\"'}
#: Characters that mean something in a Markdown heading (`# {title}`): written with a backslash.
HEADING_ESCAPES = "\\`*_[]{}#"
#: What is not text (load.NOT_TEXT) and what YAML cannot hold at all.
NOT_TEXT_PATTERN = NOT_TEXT.pattern.removesuffix("]") + "\ufffe\uffff]"
#: Longer addresses are refused by servers on the way (414): the GitHub link then opens an
#: empty new file, and the contributor pastes the copied text. A conservative limit.
MAX_URL = 8000
#: The Swedish phone numbers set aside for fiction: examples and tests use only these.
FICTION_NUMBERS = ("0701740605", "0701740699")

#: How each front-matter key's answer is written.
KINDS = {"title": "text", "summary": "text", "owner": "text", "last_reviewed_on": "date", "problem": "text",
         "focus_areas": "ids", "regions": "ids", "target_groups": "ids", "exploitation_forms": "ids",
         "actors": "ids", "contact_role": "text", "keywords": "texts"}
#: The answers a contributor gives in front matter: texts typed, and taxonomy ids chosen.
TEXT_FIELDS = ("title", "summary", "problem", "contact_role", "keywords")
CHOICE_FIELDS = ("regions", "focus_areas", "target_groups", "exploitation_forms", "actors")
#: Always asked for, whatever the template says (they name the file and its folder).
ALWAYS = ("title", "regions", "focus_areas")

#: Hints, not rules: kb check cannot tell a person's details from others, so the form and
#: `kb new method` point them out and leave the judgement to the contributor (kb check
#: refuses only a personal number whose check digit fits: kb.model.text_rules).
GUIDANCE = {
    # A personal identity or coordination number (day + 60): YYMMDD-NNNN, with or without the century.
    "personal_number": text_rules.PERSONAL_NUMBER,
    # A Swedish phone number: 0 or +46, an area code, five to eight more digits.
    "phone": r"(?<![0-9+-])(?:\+46|0046|0)[ -]?[0-9]{1,3}(?:[ -]?[0-9]){5,8}(?![0-9-])",
}
#: One question for the problem a method solves: the form asks for the section, and the front
#: matter's one-line `problem` is its first sentence, links reduced to their words and the
#: characters a one-line text may not hold left out (`kb new method --problem` may still set it).
PROBLEM_FIELD, PROBLEM_FROM = "problem", "problem"
FIRST_SENTENCE = r"^(.*?[.!?])(?= |$)"
UNLINK = r"\[([^\]\n]*)\]\([^)\n]*\)"
NOT_PLAIN = r"[<>`*_\[\]{}]"
#: What a one-line text may not hold because it would be read as HTML.
PLAIN_TEXT = r"[<>]"
PLACEHOLDER = re.compile(text_rules.PLACEHOLDER)
HEADING = re.compile(r"^## (.+?) \{#([a-z0-9-]+)\}$", re.MULTILINE)


class TemplateError(ValueError):
    """The template itself is broken: a maintainer's mistake, named with what to fix."""


@dataclass(frozen=True)
class Section:
    """A `## Heading {#id}` of the template and the text under it."""

    id: str
    heading: str  # the heading line as written
    title: str  # its text, e.g. "Så går det till"
    lead: str  # between the heading line and the text: "\n\n"
    placeholder: str  # the template's text, <REQUIRED: …> in it
    trail: str  # after the text: "\n\n", or "\n" at the end

    @property
    def hint(self) -> str:
        return PLACEHOLDER.sub(lambda m: m.group(1).strip(), self.placeholder)


@dataclass(frozen=True)
class Template:
    front: tuple[tuple[str, str], ...]  # (key, line) of the front matter, in order
    head: str  # between the front matter and the first section: the `# {title}` line
    sections: tuple[Section, ...]

    def hint(self, key: str) -> str:
        """What the template asks for in a front-matter field (its <REQUIRED: …> text), or ""."""
        line = dict(self.front).get(key, "")
        found = PLACEHOLDER.search(line)
        return found.group(1).strip() if found else ""

    @property
    def required(self) -> tuple[str, ...]:
        """The fields a finished page needs: those the template leaves a <REQUIRED: …> in, and
        those that name the file."""
        return tuple(key for key, _ in self.front if key in ALWAYS or self.hint(key))

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def as_data(self) -> dict:
        return {"front": [list(pair) for pair in self.front], "head": self.head,
                "sections": [{"id": s.id, "heading": s.heading, "lead": s.lead, "placeholder": s.placeholder,
                              "trail": s.trail} for s in self.sections],
                "required": list(self.required)}


def template_file(lang: str, default_language: str) -> Path:
    """The template of a language (the default language's when it has none)."""
    path = TEMPLATES / f"method.{lang}.md"
    return path if path.is_file() else TEMPLATES / f"method.{default_language}.md"


def template_in_project(lang: str, default_language: str) -> str:
    """Where the template is in the repository, e.g. scripts/kb/model/templates/method.sv.md."""
    return template_file(lang, default_language).relative_to(TEMPLATES.parents[3]).as_posix()


def template(lang: str, default_language: str) -> Template:
    return parse(template_file(lang, default_language).read_text(encoding="utf-8"))


def parse(text: str) -> Template:
    try:
        split = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        raise TemplateError(f"the method template's front matter: {exc.message}") from None
    if split.front is None or not text.startswith("---\n"):
        raise TemplateError("the method template starts with its front matter, between --- lines")
    front = tuple((line.split(":", 1)[0].strip(), line) for line in split.front.split("\n"))
    headings = list(HEADING.finditer(split.body))
    if not headings:
        raise TemplateError("the method template has no '## Heading {#id}' sections")
    sections = []
    for number, match in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(split.body)
        block = split.body[match.end():end]
        core = block.strip("\n")
        lead = block[:len(block) - len(block.lstrip("\n"))]
        sections.append(Section(match.group(2), match.group(0), match.group(1), lead, core,
                                block[len(lead) + len(core):]))
    return Template(front, split.body[:headings[0].start()], tuple(sections))


# --- the answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What a contributor says about a method; "" and () for what they left out."""

    title: str = ""
    summary: str = ""
    problem: str = ""
    regions: tuple[str, ...] = ()  # the first is the folder the file goes in
    focus_areas: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    exploitation_forms: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    contact_role: str = ""
    keywords: tuple[str, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)  # by the template's heading id


def trim(text: str) -> str:
    """Spaces, tabs and line breaks off both ends, and nothing else (the browser's trim()
    knows other spaces than Python's strip(): the same answers must give the same file)."""
    return text.strip(" \t\n")


def cleaned(answers: Answers, taxonomy: Taxonomy) -> Answers:
    """The answers as the file holds them: texts trimmed, line breaks as \\n, keywords split
    at commas, each id once and in the taxonomy's order (unknown ids last, for the checks)."""
    def ordered(kind: str, values: tuple[str, ...]) -> tuple[str, ...]:
        known = taxonomy.ids(kind)
        chosen = set(values)
        return tuple([i for i in known if i in chosen] + [v for v in dict.fromkeys(values) if v not in known])

    keywords = [trim(word) for value in answers.keywords for word in value.split(",")]
    sections = {key: trim(text.replace("\r\n", "\n").replace("\r", "\n")) for key, text in answers.sections.items()}
    sections = {key: text for key, text in sections.items() if text}
    return Answers(
        title=trim(answers.title), summary=trim(answers.summary),
        problem=trim(answers.problem) or problem_sentence(sections.get(PROBLEM_FROM, "")),
        regions=ordered("regions", answers.regions), focus_areas=ordered("focus_areas", answers.focus_areas),
        target_groups=ordered("target_groups", answers.target_groups),
        exploitation_forms=ordered("exploitation_forms", answers.exploitation_forms),
        actors=ordered("actors", answers.actors), contact_role=trim(answers.contact_role),
        keywords=tuple(dict.fromkeys(word for word in keywords if word)), sections=sections)


def problem_sentence(text: str) -> str:
    """The first sentence of the section's first paragraph, as one line of plain text."""
    paragraph = " ".join(re.split(r"\n[ \t]*\n", text)[0].split())
    sentence = re.match(FIRST_SENTENCE, paragraph)
    plain = re.sub(UNLINK, r"\1", sentence.group(1) if sentence else paragraph)
    return re.sub(NOT_PLAIN, "", plain)


def slugify(title: str) -> str:
    """A file name from a title: lower-case ASCII, words joined by hyphens (å, ä -> a, ö -> o);
    "" when the title has no letter or digit."""
    ascii_text = unicodedata.normalize(SLUG["normalize"], title).encode("ascii", "ignore").decode("ascii")
    return re.sub(SLUG["separator"], SLUG["join"], ascii_text.lower()).strip(SLUG["join"])


def owner(taxonomy: Taxonomy, region: str, lang: str) -> str:
    """The role that answers for a region's method: its regional coordinator."""
    label = next((r.label.get(lang) for r in taxonomy.regions if r.id == region), "")
    return f"Regionkoordinator {label.removeprefix('Region ')}" if label else ""


def owners(taxonomy: Taxonomy, lang: str) -> dict[str, str]:
    return {region.id: owner(taxonomy, region.id, lang) for region in taxonomy.regions}


def folder(site: Site) -> str:
    """Where methods go, as the project shows it: docs/metoder."""
    return f"{rel(site.docs_dir, site.root)}/{METHODS_FOLDER}"


def path(methods: str, region: str, title: str, suffix: str = "") -> str:
    """The file's path in the project, e.g. docs/metoder/syd/uppsokande-arbete.md."""
    return f"{methods}/{region}/{slugify(title)}{suffix}.md"


# --- the file -----------------------------------------------------------------------------


def yaml_text(value: str) -> str:
    return '"' + "".join(YAML_ESCAPES.get(char, char) for char in value) + '"'


def heading_text(value: str) -> str:
    return "".join("\\" + char if char in HEADING_ESCAPES else char for char in value)


def _written(kind: str, value) -> str:
    if kind == "text":
        return yaml_text(value)
    if kind == "ids":
        return "[" + ", ".join(value) + "]"
    if kind == "texts":
        return "[" + ", ".join(yaml_text(v) for v in value) + "]"
    return value


def render(template: Template, answers: Answers, owner_role: str, today: str) -> str:
    """The file: each front-matter line with an answer is written from it, every other line
    and each unanswered section is the template's (so its <REQUIRED: …> stays for kb check)."""
    values = {"title": answers.title, "summary": answers.summary, "owner": owner_role, "last_reviewed_on": today,
              "problem": answers.problem, "focus_areas": answers.focus_areas, "regions": answers.regions,
              "target_groups": answers.target_groups, "exploitation_forms": answers.exploitation_forms,
              "actors": answers.actors, "contact_role": answers.contact_role or owner_role,
              "keywords": answers.keywords}
    lines = [f"{key}: {_written(KINDS[key], values[key])}" if values.get(key) else line
             for key, line in template.front]
    head = template.head.replace("{title}", heading_text(answers.title)) if answers.title else template.head
    body = "".join(s.heading + s.lead + (answers.sections.get(s.id) or s.placeholder) + s.trail
                   for s in template.sections)
    return "---\n" + "\n".join(lines) + "\n---\n" + head + body


# --- the checks on each answer ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A problem (or, with `hint`, only something to look at) in one answer: `where` is
    "field" (front matter, by key) or "section" (by heading id)."""

    where: str
    name: str
    rule: str
    hint: bool = False


@dataclass(frozen=True)
class Taken:
    """What a new method may not repeat: the titles in the file's language (casefolded) and
    the methods' paths."""

    titles: frozenset[str] = frozenset()
    paths: frozenset[str] = frozenset()
    methods: str = f"docs/{METHODS_FOLDER}"  # the folder the paths are in

    @classmethod
    def of(cls, content: Content, lang: str) -> Taken:
        pages = content.valid_pages()
        return cls(frozenset(p.meta.title.casefold() for p in pages if p.lang == lang),
                   frozenset(p.rel for p in content.pages if p.key.startswith(f"{METHODS_FOLDER}/")),
                   folder(content.site))


_NOT_TEXT = re.compile(NOT_TEXT_PATTERN)
_GUIDANCE = {rule: re.compile(pattern) for rule, pattern in GUIDANCE.items()}
#: A Markdown link, image or attribute list, which a one-line field may not hold (kb.model.text).
_MARKUP = re.compile(text.MARKUP_PATTERN)


def findings(template: Template, answers: Answers, taxonomy: Taxonomy, taken: Taken = Taken()) -> list[Finding]:
    """Every problem and hint in (cleaned) answers, by the rules kb check applies to the page
    they make: what the template requires, plain text, allowed link targets, text characters,
    taxonomy ids, a title and file name of its own."""
    found: list[Finding] = []
    for key in template.required:
        if not getattr(answers, key, None):
            found.append(Finding("field", key, "required"))
    for key in TEXT_FIELDS:
        values = answers.keywords if key == "keywords" else (getattr(answers, key),)
        for value in values:
            found += [Finding("field", key, rule) for rule in _text_rules(value, one_line=True)]
    for key in CHOICE_FIELDS:
        if any(value not in taxonomy.ids(key) for value in getattr(answers, key)):
            found.append(Finding("field", key, "unknown_id"))
    for section in template.sections:
        text = answers.sections.get(section.id, "")
        if not text:
            found.append(Finding("section", section.id, "required"))
        found += [Finding("section", section.id, rule) for rule in _text_rules(text, one_line=False)]
    found += [Finding("section", key, "unknown_section") for key in answers.sections if not template.section(key)]
    if answers.title:
        slug = slugify(answers.title)
        where = path(taken.methods, answers.regions[0], answers.title) if answers.regions and slug else ""
        if not slug:
            found.append(Finding("field", "title", "no_slug"))
        elif answers.title.casefold() in taken.titles:
            found.append(Finding("field", "title", "title_taken"))
        elif where in taken.paths:
            found.append(Finding("field", "title", "path_taken"))
        elif len(where) > MAX_PATH:
            found.append(Finding("field", "title", "path_long"))
    found += [Finding(where, name, rule, hint=True) for where, name, rule in _hints(template, answers)]
    # the one-line problem comes from its section: what is wrong with it is said there
    found = [Finding("section", PROBLEM_FROM, f.rule, f.hint) if (f.where, f.name) == ("field", PROBLEM_FIELD)
             else f for f in found]
    return list(dict.fromkeys(found))


def _text_rules(value: str, one_line: bool) -> list[str]:
    rules = []
    if one_line and re.search(PLAIN_TEXT, value):
        rules.append("plain_text")
    if one_line and _MARKUP.search(value):
        rules.append("link")
    if _NOT_TEXT.search(value):
        rules.append("not_text")
    if one_line and "\n" in value:
        rules.append("one_line")
    return rules


def _hints(template: Template, answers: Answers) -> list[tuple[str, str, str]]:
    texts = [("field", key, value) for key in TEXT_FIELDS
             for value in (answers.keywords if key == "keywords" else (getattr(answers, key),))]
    texts += [("section", s.id, answers.sections.get(s.id, "")) for s in template.sections]
    found = []
    for where, name, value in texts:
        for rule, pattern in _GUIDANCE.items():  # a fiction number is neither (0701740605 looks like both)
            if any(not _fiction(match.group(0)) for match in pattern.finditer(value)):
                found.append((where, name, rule))
    return found


def _fiction(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    national = "0" + digits[2:] if digits.startswith("46") else "0" + digits[4:] if digits.startswith("0046") \
        else digits
    return len(national) == len(FICTION_NUMBERS[0]) and FICTION_NUMBERS[0] <= national <= FICTION_NUMBERS[1]


def rules() -> dict:
    """The rules above as data, for the share page's script: it applies the same ones."""
    return {"slug": SLUG, "yaml_escapes": YAML_ESCAPES, "heading_escapes": HEADING_ESCAPES, "kinds": KINDS,
            "text_fields": list(TEXT_FIELDS), "choice_fields": list(CHOICE_FIELDS),
            "not_text": NOT_TEXT_PATTERN, "markup": text.MARKUP_PATTERN, "max_path": MAX_PATH, "max_url": MAX_URL,
            "guidance": GUIDANCE, "fiction_numbers": list(FICTION_NUMBERS), "plain_text": PLAIN_TEXT,
            "problem_field": PROBLEM_FIELD, "problem_from": PROBLEM_FROM, "first_sentence": FIRST_SENTENCE,
            "unlink": UNLINK, "not_plain": NOT_PLAIN, "max_line": MAX_LINE,
            "asked": [name for name in TEXT_FIELDS if name != PROBLEM_FIELD],
            # front-matter lines the form writes from another answer: a problem there is that answer's
            "owner_of": {"owner": "regions", "last_reviewed_on": "title", "type": "title", "status": "title"}}
