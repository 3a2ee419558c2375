"""data/ui.yml has every text the build and the templates add to pages, and each text uses
only the {placeholders} the code fills in.

A missing text or an unknown placeholder would otherwise stop the build halfway, inside
the code that writes a page. TEXTS is the one list of what the code asks for:
tests/test_robustness.py reads the code's `ui.get(…)` calls and `kb_ui.…` uses and
compares them with it.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import get_args

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem
from kb.model.schema import PAGE_TYPES, Status
from kb.model.translations import STATES


@dataclass(frozen=True)
class UiText:
    """What the code fills into a text: by the build (str.format, so a lone { or } is an
    error and {{ }} a brace), by the reader's browser (kb.js), or nothing."""

    placeholders: frozenset[str] = frozenset()
    filled_by: str = "build"  # or "browser"


def _text(*placeholders: str, filled_by: str = "build") -> UiText:
    return UiText(frozenset(placeholders), filled_by)


HELPLINE_FACTS = ("helpline", "phone")  # kb.build.contact_cards.helpline_html

#: Every key of data/ui.yml the code uses, with the placeholders it fills in.
TEXTS: dict[str, UiText] = {
    "listing_intro": _text(),
    "listing_empty": _text(),
    **{f"type_{page_type}": _text() for page_type in PAGE_TYPES},
    "glossary_other_language": _text(),
    "contact_phone": _text(),
    "contact_email": _text(),
    "contact_web": _text(),
    "contact_hours": _text(),
    "contact_languages": _text(),
    "contact_verified": _text("date", "role"),
    "contact_unverified": _text(*HELPLINE_FACTS),
    "contact_overdue": _text("date", *HELPLINE_FACTS),
    "phone_short": _text(),
    "phone_freephone": _text(),
    "phone_abroad_route": _text("number"),
    "phone_abroad_source": _text(),
    "contacts_national": _text(),
    "contacts_regional": _text(),
    "contacts_counties": _text(),
    "county_unconfirmed": _text(),
    "lookup_county": _text(),
    "lookup_region": _text(),
    "lookup_contact": _text(),
    "page_reviewed": _text("date", "owner", "due"),
    "page_overdue": _text("due", *HELPLINE_FACTS),
    "statute_provision": _text(),
    "statute_official_text": _text(),
    "method_by_editors": _text(),
    "method_by_editors_short": _text(),
    "statute_checked": _text(),
    "statute_checked_by": _text("date", "role"),
    "statute_unchecked": _text(),
    **{f"status_{status}": _text() for status in get_args(Status) if status != "vetted"},
    "method_regions": _text(),
    "method_target_groups": _text(),
    "method_forms": _text(),
    "method_focus_areas": _text(),
    "method_actors": _text(),
    "method_contact": _text(),
    "method_vetted": _text("role", "date"),
    "method_not_vetted": _text(),
    "catalogue_filters": _text(),
    "catalogue_all": _text(),
    "catalogue_count": _text("shown", "total", filled_by="browser"),
    "catalogue_empty": _text(),
    "catalogue_by_region": _text(),
    "catalogue_methods": _text("count"),
    "catalogue_page_of": _text("number", "pages"),
    "catalogue_pages": _text(),
    "catalogue_start": _text(),
    "catalogue_editors": _text(),
    "quick_exit": _text(),
    "quick_exit_hint": _text(),
    "not_found_title": _text(),
    "not_found_text": _text(),
    "changes_methods": _text(),
    "changes_pages": _text(),
    "changes_added": _text(),
    "changes_changed": _text(),
    "changes_none": _text(),
    "changes_older": _text("count"),
    "feed_title": _text(),
    "search_dialog": _text(),
    "search_submit": _text(),
    "search_suggest": _text(),
    "toggle_menu": _text(),
    "toggle_toc": _text(),
    "word_index_link": _text(),
    "word_index_name": _text(),
    "county_go": _text(),
    "changes_feed": _text(),
    "fallback_notice": _text(),
    "fallback_link": _text(),
    "outdated_notice": _text(),
    "translations_page": _text(),
    "translations_language": _text(),
    "translations_state": _text(),
    **{f"state_{state}": _text() for state in STATES},
    "translations_summary": _text(*STATES),
    "print_source": _text(),
    # Citations and the list of sources (kb.build.citations).
    "sources_heading": _text(),
    "source_number": _text("number"),
    "source_back": _text("number"),
    "source_says": _text(),
    "source_unconfirmed": _text(),
    "print_helpline": _text("hours", *HELPLINE_FACTS),
    # "Suggest a change" (overrides/partials/kb-edit-link.html) and the share page's form
    # (kb.build.method_form; the script shows the messages as they are, filling in nothing).
    "edit_link": _text(),
    "edit_link_where": _text(),
    "edit_link_fallback": _text(),
    "share_mark_required": _text(),
    "share_about": _text(),
    "share_field_title": _text(),
    "share_hint_title": _text(),
    "share_field_region": _text(),
    "share_hint_region": _text(),
    "share_choose": _text(),
    "share_field_summary": _text(),
    "share_hint_problem": _text(),
    "share_field_contact_role": _text(),
    "share_hint_contact_role": _text(),
    "share_field_keywords": _text(),
    "share_hint_keywords": _text(),
    "share_text": _text(),
    "share_text_hint": _text(),
    "share_draft": _text(),
    "share_clear": _text(),
    "share_file": _text(),
    "share_path": _text(),
    "share_rule_placeholder": _text("match", filled_by="browser"),
    "share_rule_personal_number": _text(filled_by="browser"),
    "share_rule_insecure_link": _text("value", filled_by="browser"),
    "share_rule_link_target": _text("value", filled_by="browser"),
    "share_rule_method_html": _text("match", filled_by="browser"),
    "share_rule_attribute_list": _text("match", filled_by="browser"),
    "share_rule_link_definition": _text(filled_by="browser"),
    "share_rule_unknown_contact": _text("value", "list", filled_by="browser"),
    "share_rule_unknown_tel": _text("value", "list", filled_by="browser"),
    "share_rule_phone_by_hand": _text("id", "number", filled_by="browser"),
    "share_rule_house_term": _text("use", "match", filled_by="browser"),
    "share_downloaded": _text(),
    "share_long_line": _text(),
    "share_github_path": _text(),
    "share_file_label": _text(),
    "share_copy": _text(),
    "share_download": _text(),
    "share_github": _text(),
    "share_github_hint": _text(),
    "share_required": _text(),
    "share_required_choice": _text(),
    "share_plain_text": _text(),
    "share_link": _text(),
    "share_not_text": _text(),
    "share_one_line": _text(),
    "share_no_slug": _text(),
    "share_title_taken": _text(),
    "share_path_taken": _text(),
    "share_path_long": _text(),
    "share_personal_number": _text(),
    "share_phone": _text(),
    "share_left": _text(),
    "share_ready": _text(),
    "serve_problems": _text(),
    "share_copied": _text(),
    "share_copy_failed": _text(),
    "share_cleared": _text(),
    "share_too_long": _text(),
    "share_too_long_link": _text(),
    "share_blocked": _text(),
    # Case exercises (kb.build.exercises); the script shows its texts as they are, filling in nothing.
    "changes_exercises": _text(),
    "exercises_empty": _text(),
    "exercise_audience": _text(),
    "exercise_professions": _text(),
    "exercise_steps": _text(),
    "exercise_time": _text(),
    "exercise_minutes": _text("minutes"),
    "exercise_invented": _text(),
    "exercise_how": _text(),
    "exercise_recommended": _text(),
    "exercise_partly": _text(),
    "exercise_not_recommended": _text(),
    "exercise_chosen": _text(),
    "exercise_feedback_below": _text(),
    "exercise_next": _text(),
    "exercise_to_discussion": _text(),
    "exercise_restart": _text(),
    "exercise_restarted": _text(),
    "exercise_your_choices": _text(),
    "exercise_key_heading": _text(),
    "exercise_key_intro": _text(),
    "exercise_for_profession": _text(),
    "exercise_for_profession_intro": _text(),
}

_BRACED = re.compile(r"\{([^{}\n]*)\}")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    ui, doc = content.ui, content.ui_doc
    if ui is None or doc is None:
        return  # data/ui.yml is missing or malformed: reported where it was read
    path = content.rel("data/ui.yml")
    unused = [key for key in ui.strings if key not in TEXTS]
    for key, wanted in TEXTS.items():
        labels = ui.strings.get(key)
        if labels is None:
            close = difflib.get_close_matches(key, unused, n=1)
            if close:
                unused.remove(close[0])
                yield Problem(path, doc.line_of((close[0],), 1),
                              f"the text '{key}' is missing, and the build uses no text '{close[0]}': "
                              f"rename '{close[0]}' to '{key}'")
            else:
                yield Problem(path, doc.line_of((), 1),
                              f"the text '{key}' is missing: the build puts it on pages; add it with a text in "
                              f"each language ({', '.join(content.site.complete_languages)})")
            continue
        for lang, text in (labels.model_extra or {}).items():
            line = doc.line_of((key, lang), 1)
            for message in placeholder_problems(text, wanted):
                yield Problem(path, line, f"'{key}' ({lang}): {message}")


def placeholder_problems(text: str, wanted: UiText) -> list[str]:
    """What in a text the code would not fill in, or would fail on."""
    allowed = ", ".join(f"{{{name}}}" for name in sorted(wanted.placeholders)) or "none"
    if wanted.placeholders and wanted.filled_by == "build":
        try:
            fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                      if name is not None]
        except ValueError:
            return ["a lone '{' or '}': write {{ or }} for a brace itself, or close the placeholder "
                    f"(this text's placeholders: {allowed})"]
        found = []
        for name, spec, conversion in fields:
            if name not in wanted.placeholders or spec or conversion:
                shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                found.append(f"the placeholder {shown} is not filled in here: use only {allowed}")
        return found
    return [f"the placeholder {{{name}}} is not filled in here: "
            + (f"use only {allowed}" if wanted.placeholders else "this text takes no placeholders; remove it")
            for name in _BRACED.findall(text) if name not in wanted.placeholders]
