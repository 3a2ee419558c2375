"""The share page's form: `[[method-form]]` in a page becomes a form that writes a method's
file in the reader's browser (overrides/assets/kb-share.js); for those who share without it,
`[[github:new-method]]` and `[[github:method-template]]` become links to GitHub and
`[[method-ids]]` the taxonomy's ids, with their names in the reader's language.

Every label comes from data/ui.yml, data/taxonomy.yml and the template in the reader's
language; the template, the rules and the taxonomy ids go into the page once, as data
(kb.model.method_file), so the script fills in exactly what `kb new method` writes. The
form is HTML the build adds after the allowlist (it holds a form and a script of the
site's own), shown only where scripts run (kb.css): without JavaScript the page's text explains
the way through GitHub.
"""

from __future__ import annotations

import html
import json
import posixpath

from kb.build import catalogue
from kb.build.compat import BuildError
from kb.build.listings import Deferred
from kb.model import method_file, text, text_rules
from kb.model.load import Content
from kb.model.repository import Repository

SHORTCODE = "[[method-form]]"
IDS = "[[method-ids]]"  # the taxonomy's ids a method's front matter may hold, with their names
SCRIPT = "assets/kb-share.js"
#: sessionStorage's key for the draft: overrides/assets/kb.js clears the storage on quick exit.
DRAFT_KEY = "kb-method-draft"

#: Labels and hints of the typed fields (the summary's and the problem's hints are the template's).
TEXT_LABELS = (("title", "share_field_title"), ("summary", "share_field_summary"),
               ("contact_role", "share_field_contact_role"),
               ("keywords", "share_field_keywords"))
TEXT_HINTS = (("title", "share_hint_title"), ("contact_role", "share_hint_contact_role"),
              ("keywords", "share_hint_keywords"))
#: The taxonomy fields chosen by ticking, with their labels.
CHOICE_LABELS = (("focus_areas", "method_focus_areas"), ("target_groups", "method_target_groups"),
                 ("exploitation_forms", "method_forms"), ("actors", "method_actors"))
#: What the script says, by rule or event, in the reader's language.
MESSAGES = (("required", "share_required"), ("required_choice", "share_required_choice"),
            ("plain_text", "share_plain_text"), ("link", "share_link"), ("not_text", "share_not_text"),
            ("one_line", "share_one_line"), ("no_slug", "share_no_slug"), ("title_taken", "share_title_taken"),
            ("path_taken", "share_path_taken"), ("path_long", "share_path_long"),
            ("personal_number", "share_personal_number"), ("phone", "share_phone"), ("left", "share_left"),
            ("ready", "share_ready"), ("copied", "share_copied"), ("copy_failed", "share_copy_failed"),
            ("cleared", "share_cleared"), ("too_long", "share_too_long"), ("too_long_link", "share_too_long_link"),
            ("blocked", "share_blocked"), ("downloaded", "share_downloaded"), ("github_path", "share_github_path"),
            ("long_line", "share_long_line"))


def expand(content: Content, markdown: str, lang: str, deferred: Deferred, url: str,
           repository: Repository | None) -> str:
    """The page's Markdown with the form and the GitHub links in place."""
    if "[[" not in markdown:
        return markdown  # nearly every page
    site = content.site
    methods = method_file.folder(site)
    template = method_file.template_in_project(site.default_language, site.default_language)
    links = {
        "[[github:new-method]]": (f"[{methods}/]({repository.new_file_url(methods)})" if repository
                                  else f"`{methods}/`"),
        "[[github:method-template]]": (f"[{template.rsplit('/', 1)[-1]}]({repository.file_url(template)})"
                                       if repository else f"`{template}`"),
    }
    for shortcode, link in links.items():
        markdown = markdown.replace(shortcode, link)
    if IDS in markdown:
        markdown = markdown.replace(IDS, ids_list(content, lang))
    if SHORTCODE in markdown:
        folder = url if url.endswith("/") else posixpath.dirname(url)  # page/ or page.html (offline)
        script = posixpath.relpath(SCRIPT, folder.rstrip("/") or ".")
        start = catalogue.start_page(content)
        taken = (posixpath.relpath(content.site.folder(lang) + catalogue.facets_path(start).replace(
            catalogue.FACETS, catalogue.TAKEN), folder.rstrip("/") or ".") if start else None)
        try:
            block = deferred.place(form(content, lang, script, repository, taken))
        except method_file.TemplateError as exc:
            raise BuildError(str(exc)) from None
        markdown = markdown.replace(SHORTCODE, block, 1)
    return markdown


def ids_list(content: Content, lang: str) -> str:
    """A Markdown list: each taxonomy field of a method, and its ids with their names in lang."""
    lines = []
    for kind in method_file.CHOICE_FIELDS:
        names = ", ".join(f"`{term.id}` ({f'{term.number}. ' if kind == 'focus_areas' else ''}"
                          f"{text.markdown_text(term.label.get(lang))})" for term in getattr(content.taxonomy, kind))
        lines.append(f"- `{kind}`: {names}")
    return "\n".join(lines)


def form(content: Content, lang: str, script_url: str, repository: Repository | None,
         taken_url: str | None = None) -> str:
    """The form, its texts and its data; what is taken is read from taken_url (written beside
    the catalogue) when there is one, so the page does not grow with every method."""
    ui, taxonomy, site, e = content.ui, content.taxonomy, content.site, html.escape
    default = site.default_language
    template = method_file.template(default, default)
    readers = method_file.template(lang, default)  # its hints and headings, in the reader's language
    required = set(template.required)
    mark = f' <span class="kb-required">{ui.get("share_mark_required", lang)}</span>'
    labels = {name: ui.get(label_key, lang) for name, label_key in TEXT_LABELS}
    hints = {name: ui.get(hint_key, lang) for name, hint_key in TEXT_HINTS}
    hints.update({name: e(readers.hint(name)) for name in ("summary",)})

    def text_field(name: str) -> str:
        ident = f"kb-field-{name}"
        return (f'<div class="kb-field" data-label="{labels[name]}">'
                f'<label for="{ident}">{labels[name]}{mark if name in required else ""}</label>'
                f'<p class="kb-hint" id="{ident}-hint">{hints[name]}</p>'
                f'<input type="text" id="{ident}" name="{name}" autocomplete="off" '
                f'aria-describedby="{ident}-hint {ident}-problem">'
                f'<p class="kb-problem" id="{ident}-problem"></p></div>')

    def choices(name: str, label: str) -> str:
        ident = f"kb-field-{name}"
        items = "".join(f'<li><label><input type="checkbox" name="{name}" value="{term.id}"> '
                        f'{f"{term.number}. " if name == "focus_areas" else ""}{e(term.label.get(lang))}</label></li>'
                        for term in getattr(taxonomy, name))
        return (f'<fieldset class="kb-field kb-choices" id="{ident}" data-label="{label}" '
                f'aria-describedby="{ident}-problem"><legend>{label}{mark if name in required else ""}</legend>'
                f'<ul>{items}</ul><p class="kb-problem" id="{ident}-problem"></p></fieldset>')

    region_label = ui.get("share_field_region", lang)
    regions = "".join(f'<option value="{r.id}">{e(r.label.get(lang))}</option>' for r in taxonomy.regions)
    region = (f'<div class="kb-field" data-label="{region_label}"><label for="kb-field-regions">{region_label}'
              f'{mark}</label><p class="kb-hint" id="kb-field-regions-hint">{ui.get("share_hint_region", lang)}</p>'
              f'<select id="kb-field-regions" name="regions" '
              f'aria-describedby="kb-field-regions-hint kb-field-regions-problem">'
              f'<option value="">{ui.get("share_choose", lang)}</option>{regions}</select>'
              f'<p class="kb-problem" id="kb-field-regions-problem"></p></div>')

    def section(part: method_file.Section) -> str:
        ident = f"kb-section-{part.id}"
        shown = readers.section(part.id) or part
        hint = e(shown.hint) + (f" {ui.get('share_hint_problem', lang)}" if part.id == method_file.PROBLEM_FROM else "")
        return (f'<div class="kb-field" data-label="{e(shown.title)}"><label for="{ident}">{e(shown.title)}{mark}'
                f'</label><p class="kb-hint" id="{ident}-hint">{hint}</p>'
                f'<textarea id="{ident}" name="{part.id}" rows="6" '
                f'aria-describedby="{ident}-hint {ident}-problem"></textarea>'
                f'<p class="kb-problem" id="{ident}-problem"></p></div>')

    messages = " ".join(f'data-msg-{rule.replace("_", "-")}="{ui.get(message_key, lang)}"'
                        for rule, message_key in MESSAGES)
    taken = method_file.Taken.of(content, default)
    github = repository.new_file_url(taken.methods) if repository else None
    data = {"template": template.as_data(), "rules": method_file.rules(),
            "owners": method_file.owners(taxonomy, default),
            "order": {kind: taxonomy.ids(kind) for kind in method_file.CHOICE_FIELDS},
            "taken": ({"href": taken_url, "methods": taken.methods} if taken_url else
                      {"titles": sorted(taken.titles), "paths": sorted(taken.paths), "methods": taken.methods}),
            "github": github, "draft": DRAFT_KEY, "file_lang": default,
            "text_rules": text_rules.declared(content).as_data(ui, lang)}
    link = (f'<p><a id="kb-method-github" class="md-button" href="{e(github or "")}" target="_blank" '
            f'rel="noopener noreferrer">{ui.get("share_github", lang)}</a></p>'
            f'<p class="kb-hint" id="kb-method-github-note">{ui.get("share_github_hint", lang)}</p>'
            if github else "")
    return "\n".join([
        f'<div class="kb-share" id="kb-share" data-github-text="{ui.get("share_github", lang)}" {messages}>',
        f'<script type="application/json" id="kb-method-spec">{_json(data)}</script>',
        '<form id="kb-method-form" novalidate>',
        f'<p class="kb-notice" id="kb-share-draft">{ui.get("share_draft", lang)} '
        f'<button type="button" id="kb-method-clear" class="md-button">{ui.get("share_clear", lang)}</button></p>',
        f'<fieldset id="kb-method-fields"><legend>{ui.get("share_about", lang)}</legend>',
        text_field("title"), region, text_field("summary"),
        *(choices(name, ui.get(choice_key, lang)) for name, choice_key in CHOICE_LABELS),
        text_field("contact_role"), text_field("keywords"), "</fieldset>",
        f'<fieldset id="kb-method-sections"><legend>{ui.get("share_text", lang)}</legend>',
        f'<p class="kb-hint">{ui.get("share_text_hint", lang)}</p>',
        *(section(part) for part in template.sections), "</fieldset>", "</form>",
        f'<h2 id="kb-method-result">{ui.get("share_file", lang)}</h2>',
        '<p id="kb-method-status" role="status" aria-live="polite"></p>',
        '<ul id="kb-method-problems" class="kb-share-problems"></ul>',
        f'<p>{ui.get("share_path", lang)} <code id="kb-method-path"></code></p>',
        f'<label for="kb-method-file">{ui.get("share_file_label", lang)}</label>',
        '<textarea id="kb-method-file" readonly rows="16" spellcheck="false"></textarea>',
        f'<p class="kb-share-actions"><button type="button" id="kb-method-copy" class="md-button">'
        f'{ui.get("share_copy", lang)}</button> <button type="button" id="kb-method-download" class="md-button">'
        f'{ui.get("share_download", lang)}</button></p>',
        link,
        "</div>",
        f'<script src="{e(script_url)}" defer></script>',
    ]) + "\n"


def _json(data: dict) -> str:
    """JSON that cannot end its <script> element or be read as markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text
