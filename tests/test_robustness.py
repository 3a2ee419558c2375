"""Whatever a contributor's tree holds, `kb check` and the build answer with `path:line:
message` problems, within seconds: never a traceback, a hang or a crash of the process.

Each case is built in a project copy (make_site). Names that would break a checkout of
this repository on Windows are made here, at run time, never committed as fixtures.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, assert_clean_run, kb, make_site, mkdocs_build

PACKAGE = ROOT / "scripts" / "kb"
METHODS = Path("docs") / "metoder" / "gemensamma"


def check(project: Path, *args: str, within: float = 20, **env: str) -> tuple[int, list[str], str]:
    """kb check in a project: (exit code, problem lines, stderr), never a traceback, in time.
    The lines leave out what the rule on file types says (checks/file_types.py, tested
    with it), so each test here states exactly what its own rules find."""
    started = time.monotonic()
    result = kb("check", *args, cwd=project, **env)
    took = time.monotonic() - started
    assert_clean_run(result)
    assert took < within, f"kb check took {took:.1f} s"
    lines = result.stdout.splitlines()
    lines = lines[:-1] if lines and lines[-1].startswith("kb check:") else lines
    return result.returncode, [line for line in lines if line not in _file_type_problems(project)], result.stderr


def _file_type_problems(project: Path) -> set[str]:
    try:
        from kb.checks import file_types
    except ImportError:
        return set()
    from kb.checks.scope import Scope
    from kb.model import load
    from kb.model.site import load_site

    return {str(p) for p in file_types.check(load.load(load_site(project)), Scope(date(2026, 11, 24)))}


def page_text(title: str, extra: str = "", body: str = "Text.\n") -> str:
    return (f"---\ntitle: {title}\nsummary: En sida för testet.\ntype: page\nowner: Redaktionen\n"
            f"status: vetted\nlast_reviewed_on: 2026-11-01\n{extra}---\n\n# {title}\n\n{body}")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing needle."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def build_fails_with(project: Path, tmp_path: Path, expected: list[str], within: float = 90) -> None:
    """A strict build stops before it builds anything, with the same problems kb check prints."""
    started = time.monotonic()
    result = mkdocs_build(project, tmp_path / "site")
    took = time.monotonic() - started
    assert_clean_run(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "content problems, the same `kb check` reports" in result.stderr
    for line in expected:
        assert line in result.stderr, result.stderr
    assert took < within, f"the build took {took:.0f} s to fail"
    assert not list((tmp_path / "site").rglob("*.html")), "a page was written before the verdict"


# --- 1. the helpline the warnings point to ------------------------------------------------


def _contacts(project: Path) -> Path:
    return project / "data" / "contacts.yml"


def _helpline_block(text: str) -> tuple[int, int]:
    start = text.index("  - id: stodtelefonen\n")
    return start, text.index("\n  - id: ", start + 1) + 1


@pytest.mark.parametrize("change", ["renamed", "removed", "no phone"])
def test_a_renamed_or_removed_helpline_is_a_problem_not_a_crash(tmp_path, change):
    project = make_site(tmp_path)
    contacts = _contacts(project)
    text = contacts.read_text(encoding="utf-8")
    start, end = _helpline_block(text)
    block = text[start:end]
    if change == "renamed":
        text = text[:start] + block.replace("id: stodtelefonen", "id: stodlinjen") + text[end:]
    elif change == "removed":
        text = text[:start] + text[end:]
    else:
        text = text[:start] + re.sub(r"    phones:\n(      .*\n)+", "", block) + text[end:]
    contacts.write_text(text, encoding="utf-8")
    code, problems, _ = check(project)
    assert code == 1
    if change == "renamed":
        expected = (f"data/contacts.yml:{line_of(contacts, 'id: stodlinjen')}: the helpline's id must stay "
                    "'stodtelefonen': every overdue or unverified warning and every printed page looks it up by "
                    "that id; change 'stodlinjen' back to stodtelefonen")
    elif change == "removed":
        expected = (f"data/contacts.yml:{line_of(contacts, 'contacts:')}: the helpline 'stodtelefonen' is missing: "
                    "every overdue or unverified warning and every printed page tells readers to call it; add it "
                    "back (id: stodtelefonen, kind: helpline, with its phone number)")
    else:
        expected = (f"data/contacts.yml:{line_of(contacts, 'id: stodtelefonen')}: the helpline 'stodtelefonen' "
                    "needs a phone number (phones:): every overdue or unverified warning on the site tells readers "
                    "to call it")
    assert problems == [expected]
    if change == "renamed":
        build_fails_with(project, tmp_path, [expected])


def test_an_invalid_helpline_entry_is_reported_once_where_it_is_wrong(tmp_path):
    project = make_site(tmp_path)
    contacts = _contacts(project)
    text = contacts.read_text(encoding="utf-8")
    start, end = _helpline_block(text)
    contacts.write_text(text[:start] + text[start:end].replace("kind: helpline", "kind: hotline") + text[end:],
                        encoding="utf-8")
    code, problems, _ = check(project)
    assert code == 1 and len(problems) == 1 and "'contacts.2.kind' is 'hotline'" in problems[0]


# --- 2. data/ui.yml: every text the code uses, with the placeholders it fills --------------


def _ui_calls() -> list[tuple[str, int, ast.Call, ast.Module]]:
    """Every `….ui.get(…)` / `ui.get(…)` call in the package: (file, line, call, module)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and (isinstance(node.func.value, ast.Name) and node.func.value.id == "ui"
                         or isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "ui")):
                found.append((path.relative_to(ROOT).as_posix(), node.lineno, node, tree))
    return found


def _strings_in(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _keys_of(call: ast.Call, module: ast.Module) -> set[str]:
    """The ui.yml keys a call can ask for: a literal; a literal prefix and a value (type_ +
    a page type); or a name bound by a comprehension or loop over literal keys, directly
    or through a module-level table (FILTERS)."""
    from kb.model.schema import PAGE_TYPES
    from kb.model.translations import STATES

    key = call.args[0]
    if isinstance(key, ast.Constant):
        return {key.value}
    if isinstance(key, ast.BinOp) and isinstance(key.left, ast.Constant):
        values = {"type_": PAGE_TYPES, "status_": ("draft", "review"), "state_": STATES}  # status_vetted: no text
        return {key.left.value + value for value in values[key.left.value]}
    if isinstance(key, ast.Name):
        for node in ast.walk(module):
            for generator in getattr(node, "generators", []) + ([node] if isinstance(node, ast.For) else []):
                names = [n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)]
                if key.id not in names:
                    continue
                source = generator.iter
                if isinstance(source, ast.Name):  # a module-level table of tuples
                    source = next(a.value for a in module.body if isinstance(a, ast.Assign)
                                  and any(isinstance(t, ast.Name) and t.id == source.id for t in a.targets))
                position = names.index(key.id)
                if isinstance(generator.target, ast.Tuple):
                    return {row.elts[position].value for row in source.elts}
                return set(_strings_in(source))
    raise AssertionError(f"teach this test how ui.get's key {ast.unparse(key)} is found")


def _placeholders_of(call: ast.Call) -> set[str]:
    from kb.checks.ui_texts import HELPLINE_FACTS
    from kb.model.translations import STATES

    names = set()
    for keyword in call.keywords:
        if keyword.arg:
            names.add(keyword.arg)
        elif "helpline" in ast.unparse(keyword.value):
            names.update(HELPLINE_FACTS)
        elif ast.unparse(keyword.value) == "counts":
            names.update(STATES)
        else:
            raise AssertionError(f"teach this test what **{ast.unparse(keyword.value)} holds")
    return names


def test_the_list_of_ui_texts_is_what_the_code_uses(content):
    """ui_texts.TEXTS is the one list: every key the code asks data/ui.yml for, with the
    placeholders it fills in, is in it, and nothing else is."""
    from kb.build import contact_cards
    from kb.checks.ui_texts import HELPLINE_FACTS, TEXTS
    from kb.model import text_rules

    used: dict[str, set[str]] = {}
    for where, line, call, module in _ui_calls():
        if isinstance(call.args[0], ast.Name) and call.args[0].id == "key" and "content.ui.strings" in ast.unparse(
                module):
            continue  # the templates' kb_ui: every text, none formatted (checked below)
        keys = _keys_of(call, module)
        assert keys, f"{where}:{line}: no keys found"
        for key in keys:
            used.setdefault(key, set()).update(_placeholders_of(call))
    templates = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "overrides").rglob("*.html"))
    for key in re.findall(r"kb_ui\.(\w+)", templates):
        used.setdefault(key, set())
    script = (ROOT / "overrides" / "assets" / "kb.js").read_text(encoding="utf-8")
    browser = set(re.findall(r'\.replace\("\{(\w+)\}"', script))
    # the share form says each declared rule's text, filling in the match and the rule's facts
    rules = text_rules.declared(content).rules
    assert {k for k, t in TEXTS.items() if t.filled_by == "browser"} == {"catalogue_count"} | {
        rule.ui_key for rule in rules}
    for rule in rules:
        fillable = {"match", "value", "list", *dict(rule.facts)}
        assert TEXTS[rule.ui_key].placeholders <= fillable, rule.id
        used[rule.ui_key] = set(TEXTS[rule.ui_key].placeholders)
    used["catalogue_count"] |= browser
    assert sorted(used) == sorted(TEXTS), "ui_texts.TEXTS differs from the keys the code uses"
    assert {key: sorted(names) for key, names in used.items()} == {
        key: sorted(text.placeholders) for key, text in TEXTS.items()}
    source = ast.parse(Path(contact_cards.__file__).read_text(encoding="utf-8"))
    function = next(n for n in ast.walk(source) if isinstance(n, ast.FunctionDef) and n.name == "helpline_html")
    facts = {key.value for node in ast.walk(function) if isinstance(node, ast.Dict)
             for key in node.keys if isinstance(key, ast.Constant)}
    assert facts == set(HELPLINE_FACTS), "helpline_html fills other placeholders than ui_texts.HELPLINE_FACTS"


def test_the_shipped_ui_texts_pass(content):
    from kb.checks import ui_texts
    from kb.checks.scope import Scope

    assert list(ui_texts.check(content, Scope(date(2026, 11, 24)))) == []


def _edit_ui(project: Path, *replacements: tuple[str, str]) -> Path:
    ui = project / "data" / "ui.yml"
    text = ui.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    ui.write_text(text, encoding="utf-8")
    return ui


def test_a_missing_ui_text_or_an_unfilled_placeholder_is_reported_at_its_line(tmp_path):
    project = make_site(tmp_path)
    ui = _edit_ui(
        project,
        ("contact_phone:", "contact_phon:"),  # a misspelling: the build asks for contact_phone
        ("statute_checked:\n  sv: Kontroll mot lagtexten\n  en: Checked against the law\n", ""),  # gone
        ("Senast kontrollerad {date} av {role}.", "Senast kontrollerad {datum} av {role}."),
        ("Last reviewed on {date} by {owner}.", "Last reviewed on {date by {owner}."),
        ("Inga sidor är ännu kopplade", "Inga {sidor} är ännu kopplade"),
        ("Showing {shown} of {total} methods.", "Showing {shown} of {all} methods."),
        ('({hours}). Immediate', '({hours!r}) {phone.__class__} {0}. Immediate'),
    )
    code, problems, _ = check(project)
    assert code == 1
    at = lambda needle: line_of(ui, needle)  # noqa: E731
    assert problems == sorted([
        f"data/ui.yml:{at('Inga {sidor}')}: 'listing_empty' (sv): the placeholder {{sidor}} is not filled in here: "
        "this text takes no placeholders; remove it",
        f"data/ui.yml:{at('contact_phon:')}: the text 'contact_phone' is missing, and the build uses no text "
        "'contact_phon': rename 'contact_phon' to 'contact_phone'",
        f"data/ui.yml:{at('{datum}')}: 'contact_verified' (sv): the placeholder {{datum}} is not filled in here: "
        "use only {date}, {role}",
        f"data/ui.yml:{at('{date by')}: 'page_reviewed' (en): a lone '{{' or '}}': write {{{{ or }}}} for a brace "
        "itself, or close the placeholder (this text's placeholders: {date}, {due}, {owner})",
        f"data/ui.yml:{at('{all}')}: 'catalogue_count' (en): the placeholder {{all}} is not filled in here: use "
        "only {shown}, {total}",
        *(f"data/ui.yml:{at('{hours!r}')}: 'print_helpline' (en): the placeholder {shown} is not filled in here: "
          "use only {helpline}, {hours}, {phone}" for shown in ("{0}", "{hours!r}", "{phone.__class__}")),
        "data/ui.yml:1: the text 'statute_checked' is missing: the build puts it on pages; add it with a text in "
        "each language (sv, en)",
    ], key=lambda line: (line.split(":")[0], int(line.split(":")[1]), line))
    build_fails_with(project, tmp_path, problems[:2])


def test_ui_texts_exit_codes_both_ways(tmp_path):
    project = make_site(tmp_path)
    assert check(project)[0] == 0
    _edit_ui(project, ("quick_exit:\n", "quick_exit_old:\n"))
    code, problems, _ = check(project)
    assert code == 1 and problems == [
        f"data/ui.yml:{line_of(project / 'data' / 'ui.yml', 'quick_exit_old:')}: the text 'quick_exit' is missing, "
        "and the build uses no text 'quick_exit_old': rename 'quick_exit_old' to 'quick_exit'"]


# --- 3. files and folders under docs/ -----------------------------------------------------


def _page(project: Path, relative: str, title: str | None = None, **kwargs) -> Path:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_text(title or f"Sida {relative}", **kwargs), encoding="utf-8")
    return path


def test_symbolic_links_under_docs_are_named_with_what_to_do(tmp_path):
    project = make_site(tmp_path)
    docs = project / "docs"
    (docs / "trasig.md").symlink_to("finns-inte.md")
    (docs / "slinga").symlink_to(".")
    (docs / "a.md").symlink_to("b.md")
    (docs / "b.md").symlink_to("a.md")
    secret = tmp_path / "hemlig.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (docs / "hemlig.md").symlink_to(secret)
    (docs / "kopia").symlink_to("om")
    (docs / ".#index.md").symlink_to("someone@host.1234")  # an editor's lock file: hidden, left alone
    code, problems, _ = check(project)
    assert code == 1
    assert problems == [
        "docs/a.md: is a symbolic link to 'b.md' that leads back to itself (a loop): delete it",
        "docs/b.md: is a symbolic link to 'a.md' that leads back to itself (a loop): delete it",
        f"docs/hemlig.md: is a symbolic link to '{secret}', outside docs/: the build would publish whatever it "
        "points to. Delete it, and copy the file into docs/ if it belongs on the site",
        "docs/kopia: is a symbolic link to 'om': links do not survive a checkout on Windows, and MkDocs would build "
        "the same file twice. Put the file itself here, or link to the page in Markdown",
        "docs/slinga: is a symbolic link to '.', a folder it is in, so the folders never end (a loop): delete it",
        "docs/trasig.md: is a symbolic link to 'finns-inte.md', which does not exist: delete it, or put the file "
        "itself here",
    ]
    build_fails_with(project, tmp_path, problems[-2:], within=30)


def test_a_folder_named_like_a_page_a_pipe_and_other_markdown_endings(tmp_path):
    project = make_site(tmp_path)
    _page(project, "docs/x.md/sida.md", "Sida i mapp")
    (project / "docs" / "ingen-fil").mkdir()
    os.mkfifo(project / "docs" / "ror.md")  # read, it would block forever
    _page(project, "docs/annan.markdown", "Annan ändelse")
    _page(project, "docs/x.md/../om.mkd", "Om igen")
    code, problems, _ = check(project)
    assert code == 1
    assert problems == [
        "docs/annan.markdown: is built as a page, but only pages ending in .md are checked: rename it to annan.md",
        "docs/om.mkd: is built as a page, but only pages ending in .md are checked: rename it to om.md",
        "docs/ror.md: is not a file or folder (a pipe, socket or device): delete it",
        "docs/x.md: is a folder named like a page: rename the folder (e.g. to x)",
        "docs/x.md/sida.md: is in no section of the navigation, so the build stops on it: add it under nav: in "
        "mkdocs.yml, or move it where the navigation leaves pages out",
    ]


def test_two_pages_at_one_address(tmp_path):
    project = make_site(tmp_path)
    _page(project, "docs/om.md", "Om, igen")
    code, problems, _ = check(project)
    assert code == 1 and problems == [
        "docs/om.md: becomes the same web address as docs/om/index.md (/om/): rename or merge one of them"]


NAMES = {
    "Översikt rutiner.md": "the name has 'Ö' and a space, which a web address cannot hold as it is (the build's "
                           "links to it break): use only letters a-z, digits and hyphens; rename it to "
                           "oversikt-rutiner.md",
    "a#b.md": "the name has '#', which a web address cannot hold as it is (the build's links to it break): use only "
              "letters a-z, digits and hyphens; rename it to a-b.md",
    "100%.md": "the name has '%', which a web address cannot hold as it is (the build's links to it break): use only "
               "letters a-z, digits and hyphens; rename it to 100.md",
    "fråga?.md": "the name has '?', which Windows does not allow in file names (a checkout there fails): rename it "
                 "to fraga.md",
    'citat".md': "the name has '\"', which Windows does not allow in file names (a checkout there fails): rename it "
                 "to citat.md",
    "tid 10:30.md": "the name has ':', which Windows does not allow in file names (a checkout there fails): rename "
                    "it to tid-10-30.md",
    "con.md": "'con' is a device name on Windows, which no file may have there (a checkout fails): rename it, e.g. "
              "to con-1.md",
    "Aux.en.md": "'Aux' is a device name on Windows, which no file may have there (a checkout fails): rename it, e.g. "
                 "to Aux-1.en.md",
    "mapp.": "the name ends in a dot or a space, which Windows drops (a checkout there fails): rename it to mapp",
    "steg-1.md~": "is an editor's backup, autosave or lock file, which the build would publish: delete it",
    "#steg-1.md#": "is an editor's backup, autosave or lock file, which the build would publish: delete it",
    "mellanslag .md": "the name has a space, which a web address cannot hold as it is (the build's links to it "
                      "break): use only letters a-z, digits and hyphens; rename it to mellanslag.md",
}


def test_names_that_break_a_checkout_or_an_address_say_how_to_rename(tmp_path):
    project = make_site(tmp_path)
    folder = project / METHODS
    for number, name in enumerate(NAMES):
        if name.endswith((".md", "~", "#")):
            _page(project, f"{METHODS}/{name}", f"Namn {number}")
        else:
            (folder / name).mkdir()
    _page(project, f"{METHODS}/Lokal-Handlingsplan.md", "Versaler")  # differs only in case from a page there
    long_name = "a" * 140 + ".md"
    _page(project, f"{METHODS}/{long_name}", "Lång")
    code, problems, _ = check(project)
    assert code == 1
    where = METHODS.as_posix()
    expected = {f"{where}/{name}: {message}" for name, message in NAMES.items()}
    expected.add(f"{where}/lokal-handlingsplan.md: differs from Lokal-Handlingsplan.md only in upper and lower case: "
                 "Windows and macOS keep only one of the two, so a checkout there loses the other; rename or merge "
                 "them")
    expected.add(f"{where}/{long_name}: the path is {len(where) + 1 + len(long_name)} characters long: a checkout on "
                 "Windows fails on long paths; shorten the name so the path has at most 150")
    assert sorted(problems) == sorted(expected)
    build_fails_with(project, tmp_path, [f"{where}/a#b.md: the name has '#'"], within=30)


def test_hidden_files_are_left_out_as_mkdocs_leaves_them_out(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / ".utkast.md").write_text("inte ens front matter", encoding="utf-8")
    (project / "docs" / ".git").mkdir()
    assert check(project)[:2] == (0, [])


# --- bytes that are not text, enormous files and lines ----------------------------------


def test_bom_and_crlf_are_accepted(tmp_path):
    project = make_site(tmp_path)
    page = project / "docs" / "om" / "index.md"
    page.write_bytes(b"\xef\xbb\xbf" + page.read_bytes().replace(b"\n", b"\r\n"))
    page = project / "data" / "ui.yml"
    page.write_bytes(b"\xef\xbb\xbf" + page.read_bytes().replace(b"\n", b"\r\n"))
    assert check(project)[:2] == (0, [])


def test_a_twenty_megabyte_page_is_refused_within_seconds(tmp_path):
    project = make_site(tmp_path)
    huge = project / METHODS / "stor.md"
    huge.write_text(page_text("Stor", body="Ett stycke text om arbete.\n" * 800_000), encoding="utf-8")
    code, problems, _ = check(project, within=10)
    size = huge.stat().st_size / 1_000_000
    expected = (f"{METHODS.as_posix()}/stor.md: is {size:.1f} MB: a page must stay under 1.0 MB; split it into "
                "several pages, and link to large documents instead")
    assert (code, problems) == (1, [expected])
    build_fails_with(project, tmp_path, [expected], within=30)


def test_a_huge_line_and_a_huge_data_file_are_refused_within_seconds(tmp_path):
    project = make_site(tmp_path)
    (project / METHODS / "rad.md").write_text(page_text("Rad", body="[" * 900_000 + "\n"), encoding="utf-8")
    glossary = project / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "#" * 6_000_000 + "\n", encoding="utf-8")
    code, problems, _ = check(project, within=10)
    assert code == 1
    assert problems == [
        "data/glossary.yml: is 6.0 MB: a data file must stay under 5.0 MB; split it or remove what does not belong",
        f"{METHODS.as_posix()}/rad.md:12: the line is 900,000 characters long: break it into lines of at most "
        "10,000 (pasted data does not belong here)",
    ]


@pytest.mark.parametrize("where", ["page", "data"])
def test_nesting_too_deep_for_the_parser_is_a_problem_not_a_crash(tmp_path, where):
    """libyaml's composer recurses in C: 100,000 levels used to end the process (SIGSEGV)."""
    project = make_site(tmp_path)
    nested = "[\n" * 100_000 + "]\n" * 100_000  # short lines: the rule on long lines does not end it first
    message = "lists and mappings are nested more than 50 levels deep here: write the data flatter"
    if where == "page":
        (project / "docs" / "djup.md").write_text(page_text("Djup", extra=f"keywords: {nested}\n"), encoding="utf-8")
        expected = f"docs/djup.md:57: {message}"  # keywords: on line 8 is the second level
    else:
        (project / "data" / "taxonomy.yml").write_text(f"focus_areas: {nested}\n", encoding="utf-8")
        expected = f"data/taxonomy.yml:50: {message}"
    code, problems, _ = check(project, within=10)
    assert code == 1 and expected in problems


def test_the_yaml_reader_survives_any_nesting_depth():
    from kb.model import yamlio

    for text in ("a: " + "[" * 100_000 + "]" * 100_000, "a: " + "{b: " * 100_000 + "}" * 100_000,
                 "".join("  " * i + "-\n" for i in range(2_000)), "- " * 100_000 + "x"):
        with pytest.raises(yamlio.YamlError, match="nested more than 50 levels deep"):
            yamlio.load(text)


def test_a_billion_laughs_in_a_data_file_is_a_problem_within_seconds(tmp_path):
    project = make_site(tmp_path)
    contacts = project / "data" / "contacts.yml"
    laughs = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    contacts.write_text("l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + laughs + "contacts: *l9\n",
                        encoding="utf-8")
    code, problems, _ = check(project, within=10)
    assert code == 1
    assert problems == ["data/contacts.yml:10: the aliases (*name) of this value repeat it so often that the data "
                        "would hold more than 100,000 values: write the values out instead"]


def test_dates_past_the_calendar_are_problems_not_crashes(tmp_path):
    project = make_site(tmp_path)
    page = project / METHODS / "lokal-handlingsplan.md"
    page.write_text(page.read_text(encoding="utf-8").replace("last_reviewed_on: 2026-11-24",
                                                             "last_reviewed_on: 9999-12-01"), encoding="utf-8")
    contacts = _contacts(project)
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("verified_on: 2026-11-24",
                                                                     "verified_on: 9999-11-24", 1), encoding="utf-8")
    code, problems, _ = check(project)
    assert code == 1
    assert problems == [
        f"data/contacts.yml:{line_of(contacts, '9999-11-24')}: 'verified_on' is 9999-11-24, in the future: use the "
        "date the contact was really verified",
        f"{METHODS.as_posix()}/lokal-handlingsplan.md:{line_of(page, '9999-12-01')}: 'last_reviewed_on' is "
        "9999-12-01, in the future: use the date it really happened",
    ]
    assert_clean_run(kb("freshness", cwd=project))


def test_the_front_matter_is_read_where_mkdocs_reads_it():
    """kb and MkDocs agree on where a page's front matter is, so the build never shows a
    page whose front matter was not checked, nor takes other values than kb validated."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from mkdocs.utils import meta

    from kb.model import frontmatter, yamlio

    lines = st.lists(st.sampled_from(["---", "--- ", "---\t", " ---", "...", "----", "a: 1", "b: [x]", "",
                                      "  ---", "# body"]), max_size=8)

    @settings(max_examples=400, deadline=None)
    @given(lines=lines, final_newline=st.booleans())
    def agree(lines, final_newline):
        text = "\n".join(lines) + ("\n" if final_newline else "")
        match = meta.YAML_RE.match(text)
        try:
            split = frontmatter.split(text)
            accepted = split.front is not None and isinstance(yamlio.load(split.front).data, dict)
        except (frontmatter.FrontMatterError, yamlio.YamlError):
            accepted = False
        if accepted:  # otherwise kb check reports a problem, and the build stops before reading pages
            assert match is not None and match.group(1) == split.front + "\n"
            assert text[match.end():] == split.body

    agree()


# --- regular expressions over content: linear, whatever the input ---------------------


def _linear(pattern: re.Pattern, text: str) -> float:
    started = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - started


def _regexes():
    from kb.checks import allowlist, contact_refs, markdown_links, ui_texts
    from kb.model import dates, load, text_rules, translations, yamlio

    n = 20_000
    cases = [
        ("contact_refs.CONTACT_SHORTCODE", contact_refs.CONTACT_SHORTCODE, ["[[contact:" * n, "[[contact:" + "x" * n]),
        ("ui_texts._BRACED", ui_texts._BRACED, ["{" * n, "{" + "x" * n]),
        ("load.NOT_TEXT", load.NOT_TEXT, ["a" * n]),
        ("load._SAFE_NAME", load._SAFE_NAME, ["a" * n + " "]),
        ("yamlio._INDENT", yamlio._INDENT, [" " * n + "x", "- " * n, "?:" * n]),
        ("translations._LINE_BREAK", translations._LINE_BREAK, ["\r" * n, "\r\n" * n]),
        ("translations._REVISION_KEY", translations._REVISION_KEY, ["source_revision" + " " * n]),
        ("markdown_links.LINK_TARGET", markdown_links.LINK_TARGET, ["](" + " " * n, "](<" * n, 'href="' * n]),
        ("dates.ISO_DATE", dates.ISO_DATE, ["1" * n]),
        *((f"text_rules {rule.id}", re.compile(rule.pattern, re.MULTILINE),
           ["<REQUIRED:" + " " * n, "<REQUIRED:" * (n // 4), "](" * n, "]( " + " " * n, "{:" * n, "{#" + "a" * n,
            "<a" * n, "<" + "a" * n, "[" + "a" * n, "[[contact:" * n, "1" * n, "`" * n])
          for rule in text_rules.STATIC),
        *((f"text_rules {name}", re.compile(pattern), ["`" * n, "[" * n, "[](" * n, "{" * n, "x`" * n])
          for name, pattern in (("CODE_SPAN", text_rules.CODE_SPAN), ("LINKED", text_rules.LINKED),
                                ("FENCE", text_rules.FENCE))),
        ("allowlist._NEEDS_FILTER", allowlist._NEEDS_FILTER, ["id=" + " " * n, "id=" * (n // 3)]),
        ("allowlist._SELF_CLOSING", allowlist._SELF_CLOSING, [" " * n, " " * n + "x"]),
    ]
    return cases


@pytest.mark.parametrize(("name", "pattern", "inputs"), _regexes())
def test_no_regular_expression_over_content_backtracks(name, pattern, inputs):
    for text in inputs:
        assert _linear(pattern, text) < 0.2, f"{name} is slow on {text[:30]!r}…"


def test_an_address_cannot_stall_the_url_validation():
    from pydantic import TypeAdapter

    from kb.model.schema import HttpsUrl

    started = time.perf_counter()
    with pytest.raises(ValueError):
        TypeAdapter(HttpsUrl).validate_python("https://" + "a" * 20_000 + "&#32;b")
    assert time.perf_counter() - started < 0.2


# --- 4. KB_TODAY and the search-quality suite ----------------------------------------------


@pytest.mark.parametrize("value", ["garbage", "2026-13-01", "2026-1-1", "2026-11-24T00:00", "２０２６-１１-２４"])
def test_a_malformed_kb_today_is_a_usage_error(value):
    result = kb("check", KB_TODAY=value)
    assert_clean_run(result)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"kb check: KB_TODAY: '{value}' is not a valid date: write it as YYYY-MM-DD, "
                                     "e.g. 2026-11-24")


def test_a_well_formed_kb_today_is_used():
    assert kb("check", KB_TODAY=f" {TODAY} ").returncode == 0


SUITES = {
    "not-a-list.yml": ("query: x\nlang: sv\n", [
        "{suite}:1: should be a list of cases, each starting with '- query:' and with lang and expect"]),
    "empty.yml": ("# nothing yet\n", [
        "{suite}:1: should be a list of cases, each starting with '- query:' and with lang and expect"]),
    "fields.yml": ("- query: x\n- lang: sv\n  expect: index.md\n- query: 5\n  lang: de\n  expect: [nope.md, 3]\n"
                   "  extra: 1\n  browser: maybe\n- just text\n", [
        "{suite}:1: case 1 has no 'lang': add one of sv, en",
        "{suite}:1: case 1 has no 'expect': add a list of the page keys it should find, e.g. "
        "[manual/steg-2-akut-skydd.md], or [] for a query that should find nothing",
        "{suite}:2: case 2 has no 'query': add the words to search for",
        "{suite}:3: case 2: 'expect' should be a list of the page keys it should find, e.g. "
        "[manual/steg-2-akut-skydd.md], or [] for a query that should find nothing",
        "{suite}:4: case 3: 'query' should be text",
        "{suite}:5: case 3: 'lang' is 'de': use one of sv, en",
        "{suite}:6: case 3: 'expect' should be a list of the page keys it should find, e.g. "
        "[manual/steg-2-akut-skydd.md], or [] for a query that should find nothing",
        "{suite}:7: case 3: unknown field 'extra': use query, lang, expect and browser",
        "{suite}:8: case 3: 'browser' should be true or false",
        "{suite}:9: case 4 should be 'query:', 'lang:' and 'expect:' lines"]),
    "no-page.yml": ("- query: x\n  lang: sv\n  expect: [finns/inte.md]\n", [
        "{suite}:3: case 1: 'expect' names finns/inte.md, which is no page in docs/: use a page's path there, e.g. "
        "index.md"]),
    "syntax.yml": ("- query: 'x\n", [
        "{suite}:2: YAML syntax error: while scanning a quoted scalar found unexpected end of stream. Check "
        "indentation, colons and quotes"]),
    "bomb.yml": ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdef", "bcdefg", strict=True)), [
        "{suite}:6: the aliases (*name) of this value repeat it so often that the data would hold more than "
        "100,000 values: write the values out instead"]),
}


@pytest.mark.parametrize("name", sorted(SUITES))
def test_a_malformed_search_suite_is_a_usage_error_naming_each_mistake(tmp_path, name):
    text, expected = SUITES[name]
    suite = tmp_path / name
    suite.write_text(text, encoding="utf-8")
    result = kb("search", "--eval", str(suite), "--site", str(tmp_path / "no-site"))
    assert_clean_run(result)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[:-1] == [line.format(suite=suite) for line in expected]
    assert lines[-1].startswith(f"kb search: {suite} is not a search-quality suite")


def test_search_suite_that_cannot_be_read(tmp_path):
    binary = tmp_path / "binary.yml"
    binary.write_bytes(b"\xff\xfe- query")
    for suite, message in ((tmp_path / "missing.yml", f"kb search: {tmp_path / 'missing.yml'}: cannot be read: No "
                                                      "such file or directory"),
                           (binary, f"{binary}:1: is not UTF-8 text: save it with UTF-8 encoding")):
        result = kb("search", "--eval", str(suite))
        assert_clean_run(result)
        assert result.returncode == 2 and message in result.stderr


def test_a_valid_search_suite_without_a_built_site_says_to_build(tmp_path):
    suite = tmp_path / "ok.yml"
    suite.write_text("- query: människohandel\n  lang: sv\n  expect: [lagstiftning/manniskohandel.md]\n",
                     encoding="utf-8")
    result = kb("search", "--eval", str(suite), "--site", str(tmp_path / "no-site"))
    assert_clean_run(result)
    assert result.returncode == 2 and "run `make build` first" in result.stderr


# --- 5. kb translations --record: the front matter only, atomically ------------------------

KEY = "manual/steg-2-akut-skydd"


def _record(project: Path, *files: str):
    result = kb("translations", "--record", *files, cwd=project)
    assert_clean_run(result)
    return result


def _revision(project: Path) -> str:
    from kb.model import load, translations
    from kb.model.site import load_site

    content = load.load(load_site(project))
    return translations.revision(content.page(f"{KEY}.md", "sv"))


def _prepare(project: Path, transform) -> tuple[Path, bytes, bytes]:
    """The translation without source_revision, transformed; (path, its bytes, the bytes
    expected once recorded: the same, with the line added before the closing ---)."""
    path = project / "docs" / f"{KEY}.en.md"
    text = re.sub(r"^source_revision:.*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    closing = text.index("\n---\n", 4) + 1
    recorded = text[:closing] + f'source_revision: "{_revision(project)}"\n' + text[closing:]
    before, after = transform(text), transform(recorded)
    path.write_bytes(before)
    return path, before, after


TRANSFORMS = {
    "plain": lambda text: text.encode(),
    "opener with a trailing space": lambda text: text.replace("---\n", "--- \n", 1).encode(),
    "crlf": lambda text: text.replace("\n", "\r\n").encode(),
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "bom and crlf": lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("kind", sorted(TRANSFORMS))
def test_record_adds_the_revision_inside_the_front_matter_and_changes_nothing_else(tmp_path, kind):
    project = make_site(tmp_path)
    path, _, expected = _prepare(project, TRANSFORMS[kind])
    mode = stat.S_IMODE(path.stat().st_mode)
    result = _record(project, f"docs/{KEY}.en.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"docs/{KEY}.en.md: source_revision: {_revision(project)}\n"
    assert path.read_bytes() == expected, "only the source_revision line is new; every other byte is as it was"
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == [], "no temporary file left"
    report = json.loads(kb("translations", "--json", cwd=project).stdout)
    assert next(s["state"] for s in report["pages"] if s["translation"] == f"docs/{KEY}.en.md") == "translated"
    assert check(project)[:2] == (0, [])
    again = _record(project, f"docs/{KEY}.en.md")
    assert again.returncode == 0 and path.read_bytes() == expected


def test_record_replaces_an_old_revision_even_written_over_two_lines(tmp_path):
    project = make_site(tmp_path)
    path, _, expected = _prepare(project, lambda text: text.encode())
    text = expected.decode()
    path.write_text(text.replace(f'source_revision: "{_revision(project)}"', "source_revision: >\n  0123456789ab"),
                    encoding="utf-8")
    assert _record(project, f"docs/{KEY}.en.md").returncode == 0
    assert path.read_bytes() == expected


@pytest.mark.parametrize("damage", ["no front matter", "unclosed", "yaml error", "not utf-8"])
def test_record_leaves_a_file_it_cannot_record_untouched(tmp_path, damage):
    project = make_site(tmp_path)
    path = project / "docs" / f"{KEY}.en.md"
    original = path.read_bytes()
    if damage == "no front matter":
        broken = b"# Acute protection\n\nNo front matter at all.\n"
    elif damage == "unclosed":
        broken = original.replace(b"\n---\n", b"\n", 1)
    elif damage == "yaml error":
        broken = original.replace(b"status: ", b"status: [", 1)
    else:
        broken = original + b"Caf\xe9\n"
    path.write_bytes(broken)
    result = _record(project, f"docs/{KEY}.en.md")
    assert path.read_bytes() == broken
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith(f"docs/{KEY}.en.md:")
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_record_names_what_is_not_a_translation(tmp_path):
    project = make_site(tmp_path)
    (project / "docs" / "om" / "bara.en.md").write_text(page_text("Only English"), encoding="utf-8")
    result = _record(project, "docs/index.md", "docs/finns-inte.en.md", "mkdocs.yml", "docs/om/bara.en.md")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "kb translations: docs/index.md: a page in the default language (sv), not a translation: record its "
        "translation, e.g. docs/index.en.md; docs/finns-inte.en.md: no such file; mkdocs.yml: not a page under "
        "docs/ (a .md file); docs/om/bara.en.md: its source page docs/om/bara.md does not exist, so there is "
        "nothing to match")


# --- mkdocs.yml itself ---------------------------------------------------------------


@pytest.mark.parametrize(("damage", "message"), [
    (lambda text: b"\xff\xfe", "cannot be read: 'utf-8' codec can't decode byte 0xff in position 0"),
    (lambda text: b"- a list\n", "should be 'key: value' lines (the MkDocs configuration)"),
    (lambda text: ("a: " + "[" * 5000 + "]" * 5000).encode(), "cannot be read: it is nested too deeply"),
    (lambda text: text.replace(b"- locale: sv", b"- lokale: sv"), "the i18n plugin's languages"),
])
def test_a_broken_mkdocs_yml_is_a_usage_error(tmp_path, damage, message):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_bytes(damage(config.read_bytes()))
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_translations_required_written_as_one_language(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("translations_required: [en]",
                                                                 "translations_required: en"), encoding="utf-8")
    assert check(project)[:2] == (0, [])


# --- everything at once: one run, every problem, the build stopping before it starts -------


def test_every_kind_of_damage_in_one_run(tmp_path):
    project = make_site(tmp_path)
    shutil.copytree(ROOT / "tests" / "fixtures" / "yaml-bombs" / "docs", project / "docs" / "bomber")
    (project / "docs" / "slinga").symlink_to("..")
    contacts = _contacts(project)
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("id: stodtelefonen", "id: stodlinjen"),
                        encoding="utf-8")
    _edit_ui(project, ("contact_phone:", "contact_phon:"))
    code, problems, _ = check(project, within=10)
    assert code == 1
    files = {line.split(":")[0] for line in problems}
    assert {"data/contacts.yml", "data/ui.yml", "docs/slinga", "docs/bomber/skratt.md",
            "docs/bomber/djup.md"} <= files
    build_fails_with(project, tmp_path, problems, within=30)


def test_a_paragraph_of_unclosed_brackets_is_refused_before_markdown_would_stall(tmp_path):
    """Python-Markdown's time grows with the square of the unclosed [ in a paragraph (6,000
    took 10 s here; this one has twice as many): the check names the paragraph, and the
    build stops before Markdown sees it. Escaped, closed and fenced brackets are fine."""
    project = make_site(tmp_path)
    fine = "\n\n".join(["\\[a " * 300, "[a] " * 300, "```\n" + "[a " * 300 + "\n```"])
    stall = "\n".join("[b " * 300 for _ in range(40))
    page = project / METHODS / "klamrar.md"
    page.write_text(page_text("Klamrar", body=f"{fine}\n\n{stall}\n"), encoding="utf-8")
    code, problems, _ = check(project, within=10)
    expected = (f"{METHODS.as_posix()}/klamrar.md:{line_of(page, '[b [b')}: 12,000 '[' in this paragraph have no "
                "closing ']': the build slows down with each one (at most 100); close them, or write \\[ for a "
                "bracket that is text")
    assert (code, problems) == (1, [expected])
    build_fails_with(project, tmp_path, [expected], within=30)
    page.write_text(page_text("Klamrar", body=f"{fine}\n\n{stall.replace('[b', '[b]')}\n"), encoding="utf-8")
    assert check(project)[0] == 0
