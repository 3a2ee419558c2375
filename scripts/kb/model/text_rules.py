"""Rules on the words of a page, declared once as data and executed in two places.

`kb check` and the build run them over every page (kb.checks.text_rules); the share page's
form runs the very same declarations over the file it writes (overrides/assets/kb-share.js
reads them from the page as JSON and applies them with a small engine that holds no rule of
its own). So a personal identity number, a number typed by hand, a leftover placeholder,
HTML in a method, an http:// or javascript: link, an unknown contact and a house-term slip
are refused by both, at the same line, with the same words.

A rule is a regular expression that Python's `re` and JavaScript's `RegExp` read alike:
no `\\w`, `\\s`, `\\d` or `\\b` (their meaning differs between the two for letters like å),
no named groups, no inline flags (tests/test_text_rules.py holds every pattern to that).
The engine, in both languages: the file's lines one by one; a rule for the body skips the
front matter; a rule for prose skips fenced code and blanks code spans; `mask` blanks parts
of the line first (links, shortcodes); `unless` voids a line's matches; `test` is one of
two named tests on a match (`luhn`, `not_in:LIST`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from kb.model import code
from kb.model.contacts import HELPLINE, parse_phone

#: A letter or digit in either language's sense: the house terms' word boundary.
WORD = "A-Za-z0-9_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
#: A fenced block opens and closes with three or more backticks or tildes; a code span (kb.model.code).
FENCE = code.FENCE.pattern
CODE_SPAN = code.CODE_SPAN.pattern
#: Links (their words and address), inline code and shortcodes: a number inside them is not typed by hand.
LINKED = r"\[[^\[\]]*\]\([^()\t\n ]*\)|`[^`]*`|\[\[[^\[\]]*\]\]"


@dataclass(frozen=True)
class TextRule:
    id: str  # the rule's name, the same in kb check, the form and the conformance corpus
    pattern: str
    #: kb check's words (English, as every check's); the form says data/ui.yml's share_rule_<id> in the
    #: reader's language. {match} is the match, {value} its first group, {list} the list tested, and
    #: the rule's facts by name.
    message: str
    ignore_case: bool = False
    body: bool = False  # only below the front matter
    prose: bool = False  # not in code (fenced blocks, code spans)
    mask: str = ""  # blanked before matching
    skip_line: str = ""  # lines not read at all
    unless: str = ""  # a line that also holds this is fine
    test: str = ""  # luhn | not_in:LIST
    types: tuple[str, ...] = ()  # only pages of these types; () every page
    langs: tuple[str, ...] = ()  # only pages in these languages; () every page
    blocks_build: bool = True  # False: kb check refuses it, the build publishes it (a wording slip)
    #: Lower-case words the text holds wherever the rule can match: the regular expression runs
    #: only on a text that holds one (most pages hold none of a house term's words).
    quick: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # what a rule made from data names: a contact, a house term

    @property
    def ui_key(self) -> str:
        return f"share_rule_{self.id}"


#: Links a method may hold: https, mail, phone, an anchor or a page of the site (a relative path).
_SAFE_TARGET = r"(?:https://|http://|mailto:|tel:|#|\.{1,2}/|/|[A-Za-z0-9_-]+(?:[./#)]|$))"

#: The templates' marker for what a contributor must write ([^<>]: no backtracking from each "<REQUIRED:").
PLACEHOLDER = r"<REQUIRED:([^<>]*)>"
#: A personal identity or coordination number (day + 60): YYMMDD-NNNN, with or without the century.
PERSONAL_NUMBER = (r"(?<![0-9-])(?:19|20)?[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]|[6-8][0-9]|9[01])"
                   r"[-+]?[0-9]{4}(?![0-9-])")

STATIC: tuple[TextRule, ...] = (
    TextRule("placeholder", PLACEHOLDER,
             "template placeholder left in: replace '{match}' with your text"),
    TextRule("personal_number", PERSONAL_NUMBER,
             "this looks like a personal identity or coordination number (its date and check digit fit): never "
             "publish one; remove it. If it is something else, write it so that it cannot be taken for one (a "
             "phone number with spaces)", test="luhn"),
    TextRule("insecure_link", r"\]\([ \t]*<?(http://[^)\t\n >]*)|href=\"(http://[^\"]*)\"",
             "insecure link {value}: use https://", body=True, prose=True),
    TextRule("link_target", r"\]\((?![ \t]*<?" + _SAFE_TARGET + r")[ \t]*<?([^)\n]*)",
             "link to '{value}' in a method: link with https://, mailto: or tel:, or to a page of the site",
             body=True, prose=True, types=("method",)),
    TextRule("method_html", r"<(?!REQUIRED:)(?![A-Za-z][A-Za-z0-9+.-]*:)/?[A-Za-z!?][^>\n]*>?",
             "HTML in a method: write '{match}' in Markdown instead (a method is plain text, links and lists; "
             "the share form and the template show how)", body=True, prose=True, types=("method",)),
    TextRule("attribute_list", r"\{(?![ \t]*#[A-Za-z0-9_-]+[ \t]*\})[ \t]*[:#.][^}\n]*",
             "attribute list '{match}' in a method: remove it (a method's look comes from the site; a heading "
             "keeps only its id)", body=True, prose=True, types=("method",)),
    TextRule("link_definition", r"^[ \t]{0,3}\[[^\]\n]+\]:",
             "link definition in a method: write the link where it is used, as [words](https://…)",
             body=True, prose=True, types=("method",)),
    TextRule("unknown_contact", r"\[\[contact:([^\[\]]*)\]\]",
             "unknown contact '{value}' in [[contact:…]]: use one of {list}", test="not_in:contacts"),
    TextRule("unknown_tel", r"\[\[tel:([^\[\]]*)\]\]",
             "no contact '{value}' with a phone number in [[tel:…]]: use one of {list}", test="not_in:dialable"),
)


def _digits_pattern(digits: str) -> str:
    """The digits with any space or hyphen between them, not inside a longer number, a section
    reference (2017/18:112) or a decimal."""
    body = "[ \u00a0-]?".join(re.escape(d) for d in digits)
    # the look back comes after the first digit, so that the search can start at that digit
    return rf"{digits[0]}(?<![0-9:/.,-].){body[1:]}(?![0-9]|[.,][0-9])"


def phone_rules(contacts) -> list[TextRule]:
    """A contact's number typed by hand: it cannot be tapped, and drifts from data/contacts.yml."""

    rules = []
    for contact in contacts.contacts if contacts else []:
        if not contact.phones:
            continue
        written = contact.phones[0].number
        try:
            digits = re.sub(r"[^0-9]", "", parse_phone(written).href)
        except ValueError:
            continue  # reported where the contact is read
        national = "0" + digits[2:] if digits.startswith("46") else digits
        rules.append(TextRule(
            "phone_by_hand", _digits_pattern(national),
            "write [[tel:{id}]] instead of '{number}': a number on a page is a link that a phone can call, and "
            "it follows data/contacts.yml",
            body=True, prose=True, mask=LINKED, skip_line=r"^[ \t]*(!!!|\?\?\?\+?)[ \t]+[A-Za-z]",
            facts=(("id", contact.id), ("number", written))))
    return rules


def _words(words) -> str:
    """Any of the words as whole words, whatever spaces are between them."""
    return (f"(?<![{WORD}])(?:" + "|".join("[ \t]+".join(map(re.escape, w.split()))
                                          for w in sorted(words, key=len, reverse=True)) + f")(?![{WORD}])")


def term_rules(terminology) -> list[TextRule]:
    """data/terms.yml: one term per concept. A line that also names the house term is fine."""
    rules = []
    for term in terminology.terms if terminology else []:
        rules.append(TextRule(
            "house_term", _words(term.avoid),
            'use "{use}" instead of "{match}" (data/terms.yml: one term per concept, so readers do not take them '
            "for two)",
            ignore_case=True, body=True, prose=True, mask=r"\]\([^)\t\n ]*\)|\{[^}\n]*\}",
            unless=_words((term.use, *term.unless)), langs=(term.lang,), blocks_build=False,
            quick=tuple(sorted({w.split()[0].lower() for w in term.avoid})), facts=(("use", term.use),)))
    return rules


@dataclass
class Declared:
    """Every rule for this project's content, and the lists the rules test against."""
    rules: list[TextRule]
    lists: dict[str, list[str]] = field(default_factory=dict)

    def as_data(self, ui, lang: str) -> dict:
        """For the share form: the rules, and data/ui.yml's message for each in the reader's language."""
        rules = []
        for rule in self.rules:
            data = {k: v for k, v in asdict(rule).items() if v not in ("", (), [], False)
                    and k not in ("message", "blocks_build", "facts")}
            data["facts"] = dict(rule.facts)
            rules.append(data)
        messages = {rule.id: ui.strings[rule.ui_key].get(lang) for rule in self.rules}
        return {"rules": rules, "messages": messages, "lists": self.lists, "fence": FENCE, "code_span": CODE_SPAN}


def declared(content) -> Declared:
    contacts = content.contacts
    known = [c.id for c in contacts.contacts] if contacts else []
    raw = content.contacts_doc.data.get("contacts") if content.contacts_doc and isinstance(
        content.contacts_doc.data, dict) else None
    # a contact that failed validation is reported where it is, not on every page that names it
    listed = [i.get("id") for i in raw if isinstance(i, dict) and isinstance(i.get("id"), str)] \
        if isinstance(raw, list) else []
    # the helpline, missing or without a number, is reported in data/contacts.yml (kb.checks.contact_refs)
    quiet = [i for i in listed if i not in known] + [HELPLINE]
    dialable = [c.id for c in contacts.contacts if c.phones] if contacts else []
    static = [r for r in STATIC if contacts or not r.test.startswith("not_in:")]  # no contacts read: no list
    return Declared([*static, *phone_rules(contacts), *term_rules(content.terminology)],
                    {"contacts": known + quiet, "dialable": dialable + quiet,
                     "contacts_shown": known, "dialable_shown": dialable})


# --- the engine (overrides/assets/kb-share.js holds its JavaScript twin) ------------------

@functools.cache
def _compiled(pattern: str, ignore_case: bool, multiline: bool = False) -> re.Pattern:
    return re.compile(pattern, (re.IGNORECASE if ignore_case else 0) | (re.MULTILINE if multiline else 0))


def check_digit_fits(number: str) -> bool:
    """The Luhn sum of the last ten digits: personal, coordination and organisation numbers share it."""
    digits = re.sub(r"[^0-9]", "", number)[-10:]
    total = 0
    for position, digit in enumerate(int(d) for d in digits):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def _passes(rule: TextRule, match: re.Match, lists: dict[str, list[str]]) -> bool:
    if not rule.test:
        return True
    if rule.test == "luhn":
        return check_digit_fits(match.group(0))
    name = rule.test.removeprefix("not_in:")
    return (match.group(1) or "").strip() not in lists.get(name, [])


def said(template: str, rule: TextRule, match: re.Match, lists: dict[str, list[str]]) -> str:
    """The rule's message with what the match and the rule's facts fill in."""
    first = next((g for g in match.groups() if g is not None), "")
    shown = lists.get(rule.test.removeprefix("not_in:") + "_shown", []) if rule.test.startswith("not_in:") else []
    values = {"match": " ".join(match.group(0).split()), "value": first, "list": ", ".join(shown), **dict(rule.facts)}
    return re.sub(r"\{([a-z]+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def _blank(pattern: str, line: str) -> str:
    return _compiled(pattern, False).sub(lambda m: " " * len(m.group(0)), line)


def findings(declared_rules: Declared, text: str, page_type: str, lang: str,
             body_line: int | None = None) -> Iterator[tuple[int, TextRule, str]]:
    """(line, rule, message) for every match of every rule that applies to this page's text;
    body_line: where the loader found the body (else after the front matter's closing ---)."""
    rules = [r for r in declared_rules.rules if (not r.types or page_type in r.types)
             and (not r.langs or lang in r.langs)]
    # most pages match no rule anywhere: one search of the whole text per rule instead of a loop over lines
    lowered = text.lower() if any(r.quick for r in rules) else ""
    rules = [r for r in rules if not r.quick or any(word in lowered for word in r.quick)]
    rules = [r for r in rules if _compiled(r.pattern, r.ignore_case, True).search(text)]
    if not rules:
        return
    lines = text.split("\n")
    body_start = 0
    if body_line is not None:
        body_start = body_line - 1
    elif lines and lines[0] == "---":
        body_start = next((i + 1 for i in range(1, len(lines)) if lines[i] in ("---", "...")), 0)
    fence = None
    fence_pattern = _compiled(FENCE, False)
    for index, line in enumerate(lines):
        in_code = False
        prose_line = line
        if index >= body_start:
            opening = fence_pattern.match(line)
            if fence:
                in_code = True
                if opening and opening.group(2)[0] == fence[0] and len(opening.group(2)) >= len(fence):
                    fence = None
            elif opening:
                fence, in_code = opening.group(2), True
            else:
                prose_line = _blank(CODE_SPAN, line) if "`" in line else line
        for rule in rules:
            if rule.body and index < body_start:
                continue
            if rule.prose and in_code:
                continue
            if rule.skip_line and _compiled(rule.skip_line, False).search(line):
                continue
            subject = prose_line if rule.prose else line
            if rule.mask:
                subject = _blank(rule.mask, subject)
            if rule.unless and _compiled(rule.unless, rule.ignore_case).search(subject):
                continue
            for match in _compiled(rule.pattern, rule.ignore_case).finditer(subject):
                if _passes(rule, match, declared_rules.lists):
                    yield index + 1, rule, said(rule.message, rule, match, declared_rules.lists)
