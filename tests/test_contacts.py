"""Regional contacts as data: validated numbers, generated pages, freshness enforced."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import yaml

from conftest import ROOT, TODAY, add_page, assert_clean_run, kb, make_site
from kb.model import freshness
from kb.model.contacts import parse_phone


def test_every_county_is_mapped_to_exactly_one_region(built_site):
    """Counted from data/taxonomy.yml: each county in one region only, every region with
    counties, and the county table on the site has one row per county."""
    taxonomy = yaml.safe_load((ROOT / "data" / "taxonomy.yml").read_text(encoding="utf-8"))
    counties = [c["id"] for region in taxonomy["regions"] for c in region["counties"]]
    assert len(counties) == len(set(counties)), "a county is in two regions"
    assert all(region["counties"] for region in taxonomy["regions"])
    table = (built_site / "kontakter" / "lan" / "index.html").read_text(encoding="utf-8")
    assert table.count("#region-") == len(counties)


@pytest.mark.parametrize(("last", "today", "confirmed", "expected"), [
    (date(2026, 1, 10), date(2026, 5, 1), True, "ok"),          # 70 days left
    (date(2026, 1, 10), date(2026, 6, 9), True, "ok"),          # 31 days left
    (date(2026, 1, 10), date(2026, 6, 10), True, "due"),        # 30 days left
    (date(2026, 1, 10), date(2026, 7, 10), True, "due"),        # due today
    (date(2026, 1, 10), date(2026, 7, 11), True, "overdue"),    # overdue by one day
    (date(2026, 1, 10), date(2026, 2, 1), False, "unverified"),
    (date(2026, 1, 10), date(2026, 7, 11), False, "overdue"),   # overdue outranks unverified
])
def test_freshness_states_and_boundaries(last, today, confirmed, expected):
    due, state = freshness.state(last, 6, today, confirmed)
    assert due == date(2026, 7, 10)
    assert state == expected


def test_review_date_at_the_end_of_a_month():
    assert freshness.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert freshness.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


@pytest.mark.parametrize(("written", "display", "href"), [
    ("070-1740605", "070-174 06 05", "tel:+46701740605"),
    ("+46 70 174 06 99", "070-174 06 99", "tel:+46701740699"),
    ("020-39 00 00", "020-39 00 00", "tel:+4620390000"),
    ("112", "112", "tel:112"),
    ("114 14", "114 14", "tel:11414"),
])
def test_phone_numbers_are_shown_nationally_and_dialled_in_e164(written, display, href):
    dial = parse_phone(written)
    assert (dial.display, dial.href) == (display, href)


@pytest.mark.parametrize("written", ["070-174060", "ring oss", "+46 70", ""])
def test_invalid_phone_numbers_are_refused(written):
    with pytest.raises(ValueError):
        parse_phone(written)


def _set_verified_on(project, contact_id: str, when: str) -> None:
    path = project / "data" / "contacts.yml"
    text = path.read_text(encoding="utf-8")
    block_start = text.index(f"  - id: {contact_id}\n")
    block_end = text.find("\n  - id:", block_start + 1)
    block = text[block_start:block_end]
    path.write_text(text[:block_start] + re.sub(r"verified_on: \S+", f"verified_on: {when}", block)
                    + text[block_end:], encoding="utf-8")


def test_a_contact_verified_two_years_ago_fails_make_check_naming_it_and_its_owner(tmp_path):
    project = make_site(tmp_path)
    _set_verified_on(project, "region-syd", "2024-11-24")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    assert re.search(r"data/contacts\.yml:\d+: contact 'region-syd' was last verified on 2024-11-24 .*"
                     r"ask Redaktionen to verify it", result.stdout), result.stdout
    assert result.stdout.count("contact '") == 1, "only that contact is reported"


def test_shipped_contacts_pass_today():
    result = kb("check")
    assert result.returncode == 0, result.stdout


def test_freshness_json_lists_every_contact_and_page_with_its_state():
    result = kb("freshness", "--json", "--today", TODAY)
    assert result.returncode == 0
    report = json.loads(result.stdout)
    contacts = yaml.safe_load((ROOT / "data" / "contacts.yml").read_text(encoding="utf-8"))["contacts"]
    listed = {i["id"] for i in report["items"] if i["kind"] == "contact"}
    assert listed == {c["id"] for c in contacts}
    pages = {i["path"] for i in report["items"] if i["kind"] == "page"}
    assert pages == {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert {i["state"] for i in report["items"]} <= set(freshness.STATES)
    unconfirmed = {c["id"] for c in contacts if not c["confirmed"]}
    assert {i["id"] for i in report["items"] if i["state"] == "unverified"} == unconfirmed


def test_freshness_is_reproducible_with_today_and_shows_every_state(tmp_path):
    project = make_site(tmp_path)
    _set_verified_on(project, "polisen", "2026-06-15")     # due 2026-12-15: within 30 days
    _set_verified_on(project, "region-syd", "2026-01-01")  # due 2026-07-01: overdue
    report = json.loads(kb("freshness", "--json", "--today", TODAY, cwd=project).stdout)
    states = {i["id"]: i["state"] for i in report["items"]}
    assert states["polisen"] == "due"
    assert states["region-syd"] == "overdue"
    assert states["region-nord"] == "unverified"
    assert states["stodtelefonen"] == "ok"
    table = kb("freshness", "--today", TODAY, cwd=project)
    assert table.returncode == 0
    assert re.search(r"^overdue\s+contact\s+2026-07-01\s+Redaktionen\s+region-syd$", table.stdout, re.M)


def test_freshness_with_a_bad_date_says_how_to_write_it():
    result = kb("freshness", "--today", "24/11/2026")
    assert_clean_run(result)
    assert result.returncode == 2
    assert "write it as YYYY-MM-DD" in result.stderr


def test_contacts_directory_and_county_lookup_in_both_languages(built_site):
    taxonomy = yaml.safe_load((ROOT / "data" / "taxonomy.yml").read_text(encoding="utf-8"))
    for prefix, lang in (("", "sv"), ("en/", "en")):
        directory = (built_site / prefix / "kontakter" / "index.html").read_text(encoding="utf-8")
        lookup = (built_site / prefix / "kontakter" / "lan" / "index.html").read_text(encoding="utf-8")
        assert 'href="tel:+4620390000"' in directory and "020-39 00 00" in directory
        for region in taxonomy["regions"]:
            assert f'id="region-{region["id"]}"' in directory
            for county in region["counties"]:
                county_cell = rf"<td>{re.escape(county['label'][lang])}[^<]*</td>"
                region_cell = rf"<td>{re.escape(region['label'][lang])}</td>"
                link_cell = rf"<td><a href=\"\.\./#region-{region['id']}\""
                row = re.search(rf"<tr>\s*{county_cell}\s*{region_cell}\s*{link_cell}", lookup)
                assert row, f"{county['id']} not mapped to {region['id']} in the {lang} lookup"
        contacts = yaml.safe_load((ROOT / "data" / "contacts.yml").read_text(encoding="utf-8"))["contacts"]
        confirmed = sum(1 for contact in contacts if contact["confirmed"])
        assert 0 < confirmed < len(contacts), "the shipped data has contacts of both kinds"
        verified_lines = re.findall(r'class="kb-verified"', directory)
        assert len(verified_lines) == confirmed, "a confirmed contact says when it was verified, and only that one"
        assert directory.count('class="kb-unverified"') == len(contacts) - confirmed


def test_unverified_contacts_are_marked_on_the_site(built_site):
    directory = (built_site / "kontakter" / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<div class="kb-contact" id="kontakt-region-nord".*?</div>', directory, re.S).group(0)
    assert "Ej verifierad" in card and "020-39 00 00" in card
    syd = re.search(r'<div class="kb-contact" id="kontakt-region-syd".*?</div>', directory, re.S).group(0)
    assert "Ej verifierad" not in syd and 'href="tel:+4620354040"' in syd


PAGE = """---
title: Nummer i text
summary: En sida som nämner nummer.
type: page
owner: Redaktionen
status: review
last_reviewed_on: 2026-11-24
---

# Nummer i text

{body}
"""


def test_a_bare_national_number_in_page_text_is_reported_with_the_shortcode_to_use(tmp_path):
    project = make_site(tmp_path)
    body = ("Ring Stödtelefonen på 020-39 00 00 i dag.\n\n"
            "Vid fara, ring 112. Polisen: 114 14.\n\n"
            "Okänd: [[tel:finns-inte]].\n")
    add_page(project, "nummer.md", PAGE.format(body=body))
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("docs/nummer.md")]
    assert lines[0] == ("docs/nummer.md:12: write [[tel:stodtelefonen]] instead of '020-39 00 00': a number on a "
                        "page is a link that a phone can call, and it follows data/contacts.yml")
    assert "docs/nummer.md:14: write [[tel:akut-fara]] instead of '112'" in result.stdout
    assert "docs/nummer.md:14: write [[tel:polisen]] instead of '114 14'" in result.stdout
    assert "docs/nummer.md:16: no contact 'finns-inte' with a phone number in [[tel:…]]" in result.stdout


def test_numbers_in_shortcodes_links_titles_and_references_are_not_bare(tmp_path):
    project = make_site(tmp_path)
    body = ('!!! warning "Ring 112"\n\n    Ring [[tel:akut-fara]] eller [[tel:stodtelefonen]].\n\n'
            "Se [020-39 00 00](tel:+4620390000), `112` och prop. 2017/18:112.\n")
    add_page(project, "nummer.md", PAGE.format(body=body))
    result = kb("check", cwd=project)
    assert "docs/nummer.md" not in result.stdout, result.stdout


def test_every_national_number_on_the_start_page_is_a_link_a_phone_can_call(built_site):
    for prefix in ("", "en/"):
        html = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        for href, shown in (("tel:112", "112"), ("tel:11414", "114 14"), ("tel:+4620390000", "020-39 00 00")):
            assert f'<a href="{href}">{shown}</a>' in html, f"{prefix}index.html: {shown} is not a tel: link"
        text = re.sub(r"<a [^>]*>.*?</a>|<[^>]+>", "", html, flags=re.S)
        assert "020-39 00 00" not in text, "the helpline's number appears as plain text"


def test_freshness_due_lists_only_what_is_due_or_overdue_and_json_keeps_every_row(tmp_path):
    """Issue 31: the weekly reader wants what needs someone now, not all 138 rows; a
    contact still to be verified says so instead of a review date it never had."""
    project = make_site(tmp_path)
    _set_verified_on(project, "polisen", "2026-06-15")     # due 2026-12-15: within 30 days
    _set_verified_on(project, "region-syd", "2026-01-01")  # due 2026-07-01: overdue
    due = kb("freshness", "--due", "--today", TODAY, cwd=project)
    assert due.returncode == 0, due.stdout + due.stderr
    rows = [line.split()[:2] + line.split()[-1:] for line in due.stdout.splitlines()[2:] if line.strip()][:-1]
    assert sorted(rows) == [["due", "contact", "polisen"], ["overdue", "contact", "region-syd"]], due.stdout
    assert kb("freshness", "--due", "--strict", "--today", TODAY, cwd=project).returncode == 1
    everything = json.loads(kb("freshness", "--due", "--json", "--today", TODAY, cwd=project).stdout)["items"]
    assert len(everything) == len(json.loads(kb("freshness", "--json", "--today", TODAY, cwd=project).stdout)["items"])
    assert {i["id"]: i["verified"] for i in everything if i["kind"] == "contact"}["region-nord"] is False
    table = kb("freshness", "--today", TODAY, cwd=project).stdout
    assert re.search(r"^unverified\s+contact\s+never verified\s+Redaktionen\s+region-nord$", table, re.M)
    assert not re.search(r"^unverified\s+contact\s+\d{4}-", table, re.M), "an unverified contact shows a review date"


def test_freshness_due_says_when_nothing_is_due():
    result = kb("freshness", "--due", "--strict", "--today", TODAY)
    assert result.returncode == 0
    assert result.stdout.strip() == f"Nothing is due or overdue as of {TODAY}."
