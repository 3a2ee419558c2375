"""The method catalogue in pages that stay light at any number of methods.

The catalogue's start (the page with `generated: methods`) lists every method itself while
there are few (START_LIMIT); beyond that it links a page per focus area and per region,
each paged by PAGE_SIZE, so every method is three links from the start without JavaScript
(start, a listing's page, the method) and no page grows with the site. The filters on the
start page read a facet index (FACETS, one per language) only when a reader uses them, so
they still cover every method.

The listing pages are MkDocs pages made here (kb.build.compat.generated_page), built with
the theme like any page; their lists go in after search has indexed them (Deferred.place),
and search leaves them out, since each method is found by its own page.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
from dataclasses import dataclass

from kb.build.listings import Deferred, methods, page_title, url_of
from kb.model import method_file, text
from kb.model.load import Content, PageFile

#: Methods per listing page: about 40 kB of HTML beside the theme's own, so a page stays
#: far below 250 kB and quick on a phone.
PAGE_SIZE = 100
#: Up to this many methods the start page lists them all, as one page.
START_LIMIT = 60
#: The listing pages' folder, below the catalogue's (site.GENERATED_PATHS names it).
FOLDER = "katalog"
#: The facet index's file name, in FOLDER, one per language.
FACETS = "metoder.json"
#: The titles and paths a new method may not take (the share page's form reads it), in FOLDER:
#: as many as the site has methods, so not in the form's page.
TAKEN = "tagna.json"
#: The listing of the methods no region reported (author: editors).
EDITORS = "redaktionen"
#: The filters: a method's field, the filter's label (data/ui.yml), the taxonomy it takes values from.
FILTERS = (("focus_areas", "method_focus_areas", "focus_areas"), ("regions", "method_regions", "regions"),
           ("target_groups", "method_target_groups", "target_groups"),
           ("exploitation_forms", "method_forms", "exploitation_forms"))


@dataclass(frozen=True)
class Listing:
    """One page of a listing: the methods of a focus area, a region or the editors."""

    kind: str  # "omrade", "region" or "redaktionen"
    id: str
    number: int  # 1-based
    pages: int
    methods: tuple[PageFile, ...]

    @property
    def folder(self) -> str:
        return EDITORS if self.kind == EDITORS else f"{self.kind}-{self.id}"


def start_page(content: Content) -> PageFile | None:
    return content.generated("methods")


def listings(content: Content, include_drafts: bool = False) -> list[Listing]:
    """Every listing page: each focus area's and each region's methods (then the editors'),
    by title, PAGE_SIZE to a page. Empty listings have no page, nor focus areas while the
    start page lists every method itself."""
    found = methods(content, include_drafts)
    groups: list[tuple[str, str, list[PageFile]]] = []
    for area in content.taxonomy.focus_areas if len(found) > START_LIMIT else ():
        groups.append(("omrade", area.id, [m for m in found if area.id in m.meta.focus_areas]))
    for region in content.taxonomy.regions:
        groups.append(("region", region.id, [m for m in found if m.meta.author == "region"
                                             and region.id in m.meta.regions]))
    groups.append((EDITORS, EDITORS, [m for m in found if m.meta.author != "region"]))
    out = []
    for kind, ident, members in groups:
        pages = math.ceil(len(members) / PAGE_SIZE)
        for number in range(1, pages + 1):
            chunk = tuple(members[(number - 1) * PAGE_SIZE:number * PAGE_SIZE])
            out.append(Listing(kind, ident, number, pages, chunk))
    return out


def listing_key(start: PageFile, listing: Listing) -> str:
    """The listing page's key, as if it were a file beside the start page:
    metoder/katalog/omrade-skydd/index.md, then .../sida-2/index.md."""
    folder = posixpath.join(posixpath.dirname(start.key), FOLDER, listing.folder)
    if listing.number > 1:
        folder += f"/sida-{listing.number}"
    return f"{folder}/index.md"


def label(content: Content, listing: Listing, lang: str) -> str:
    """What the listing is of, in the reader's language (plain text)."""
    if listing.kind == "omrade":
        area = next(a for a in content.taxonomy.focus_areas if a.id == listing.id)
        return f"{area.number}. {area.label.get(lang)}"
    if listing.kind == "region":
        return content.taxonomy.label("regions", listing.id, lang)
    return html.unescape(content.ui.get("catalogue_editors", lang))


def title(content: Content, start: PageFile, listing: Listing, lang: str) -> str:
    """The listing page's title: the catalogue's, what it lists, and which page."""
    own = f"{page_title(content, start.key, lang)}: {label(content, listing, lang)}"
    if listing.pages > 1:
        which = content.ui.get("catalogue_page_of", lang, number=listing.number, pages=listing.pages)
        own += f" ({html.unescape(which)})"
    return own


def source(content: Content, start: PageFile, listing: Listing, lang: str) -> str:
    """The Markdown MkDocs reads for the listing page: its title, left out of search. The
    build fills in the body (listing_markdown) as it does for pages with files."""
    heading = json.dumps(title(content, start, listing, lang), ensure_ascii=False)
    return f"---\ntitle: {heading}\nsearch:\n  exclude: true\n---\n"


def entry(content: Content, method: PageFile, from_key: str, lang: str, directory_urls: bool) -> str:
    """One method as a list item: its title linked, its summary and who reported it."""
    e = html.escape
    meta = method.meta
    shown = content.page(method.key, lang) or method
    regions = (", ".join(content.taxonomy.label("regions", r, lang) for r in meta.regions) if meta.author == "region"
               else content.ui.get("method_by_editors_short", lang))
    href = url_of(from_key, method.key, directory_urls)
    return (f'<li><a href="{href}">{e(page_title(content, method.key, lang))}</a>: '
            f"{e(shown.meta.summary)} <small>({e(regions)})</small></li>")


def pager(content: Content, start: PageFile, listing: Listing, from_key: str, lang: str,
          directory_urls: bool) -> str:
    """Links to every page of the listing, the current one marked, in a named nav."""
    if listing.pages < 2:
        return ""
    items = []
    for number in range(1, listing.pages + 1):
        other = Listing(listing.kind, listing.id, number, listing.pages, ())
        if number == listing.number:
            items.append(f'<li><a aria-current="page" href="./">{number}</a></li>')
        else:
            items.append(f'<li><a href="{url_of(from_key, listing_key(start, other), directory_urls)}">'
                         f"{number}</a></li>")
    return (f'<nav class="kb-pager" aria-label="{content.ui.get("catalogue_pages", lang)}">'
            f'<ul>{"".join(items)}</ul></nav>')


def listing_markdown(content: Content, start: PageFile, listing: Listing, lang: str, deferred: Deferred,
                     directory_urls: bool = True) -> str:
    """The listing page's body: a link back to the start, its methods, the pager."""
    key = listing_key(start, listing)
    back = url_of(key, start.key, directory_urls)
    lines = [f"# {text.markdown_text(title(content, start, listing, lang))}", ""]
    nav = pager(content, start, listing, key, lang, directory_urls)
    items = "\n".join(entry(content, m, key, lang, directory_urls) for m in listing.methods)
    lines.append(deferred.place(f'<p><a href="{back}">{content.ui.get("catalogue_start", lang)}</a></p>'
                                f'{nav}<ul class="kb-methods">{items}</ul>{nav}'))
    return "\n".join(lines) + "\n"


def start_markdown(content: Content, page: PageFile, lang: str, deferred: Deferred,
                   directory_urls: bool = True, include_drafts: bool = False) -> str:
    """The start page's listing: the filters (revealed by assets/kb.js, which reads the facet
    index), then by focus area every method (a small catalogue) or links to the area's
    pages, then links to each region's pages."""
    ui, taxonomy, e = content.ui, content.taxonomy, html.escape
    found = methods(content, include_drafts)
    if not found:
        return f"\n\n{text.markdown_text(html.unescape(ui.get('catalogue_empty', lang)))}\n"
    total = len(found)
    count = ui.get("catalogue_count", lang)
    facets = f"{FOLDER}/{FACETS}"  # beside the start page's folder, in either kind of URL
    # Not hidden: kb.css keeps its place, invisible, until the theme's script has run, so
    # that the list does not move down as the filters appear (layout shift).
    filters = [f'<div class="kb-filters" data-count="{e(count)}" data-total="{total}" data-facets="{facets}">',
               f'<p><strong>{ui.get("catalogue_filters", lang)}</strong></p>']
    for field, label_key, kind in FILTERS:
        used = {value for p in found for value in getattr(p.meta, field)}
        options = "".join(f'<option value="{t.id}">{e(t.label.get(lang))}</option>'
                          for t in getattr(taxonomy, kind) if t.id in used)
        filters.append(f'<label>{ui.get(label_key, lang)} <select data-filter="{field}">'
                       f'<option value="">{ui.get("catalogue_all", lang)}</option>{options}</select></label>')
    shown = e(count.replace("{shown}", str(total)).replace("{total}", str(total)))
    filters += [f'<p class="kb-filter-count" role="status" aria-live="polite">{shown}</p>',
                '<ul class="kb-filter-results" hidden></ul>', "</div>"]
    out = ["", "", deferred.html("\n".join(filters), block=True), ""]
    pages = listings(content, include_drafts)
    for area in taxonomy.focus_areas:
        members = [p for p in found if area.id in p.meta.focus_areas]
        if not members:
            continue
        out += ["", f"## {area.number}. {text.markdown_text(area.label.get(lang))} {{#omrade-{area.id}}}"]
        if total <= START_LIMIT:
            items = "\n".join(entry(content, m, page.key, lang, directory_urls) for m in members)
            out.append(deferred.place(f'<ul class="kb-methods">{items}</ul>'))
        else:
            mine = [p for p in pages if p.kind == "omrade" and p.id == area.id]
            out.append(deferred.place(_links(content, page, mine, len(members), lang, directory_urls)))
    out += ["", f"## {text.markdown_text(html.unescape(ui.get('catalogue_by_region', lang)))} {{#regioner}}"]
    rows = []
    for kind, ident in [*(("region", r.id) for r in taxonomy.regions), (EDITORS, EDITORS)]:
        mine = [p for p in pages if p.kind == kind and p.id == ident]
        if mine:
            count = sum(len(p.methods) for p in mine)
            rows.append(f"<li>{_links(content, page, mine, count, lang, directory_urls, named=True)}</li>")
    out.append(deferred.place(f'<ul class="kb-by-region">{"".join(rows)}</ul>'))
    return "\n".join(out) + "\n"


def _links(content: Content, start: PageFile, pages: list[Listing], count: int, lang: str, directory_urls: bool,
           named: bool = False) -> str:
    """A listing's first page linked (by its name when `named`), its count, and its further pages."""
    e = html.escape
    first = url_of(start.key, listing_key(start, pages[0]), directory_urls)
    name = e(label(content, pages[0], lang)) if named else content.ui.get("catalogue_methods", lang, count=count)
    out = f'<a href="{first}">{name}</a>'
    if named:
        out += f" ({content.ui.get('catalogue_methods', lang, count=count)})"
    if len(pages) > 1:
        more = " ".join(f'<a href="{url_of(start.key, listing_key(start, p), directory_urls)}">{p.number}</a>'
                        for p in pages)
        out += f'<span class="kb-pages">, {content.ui.get("catalogue_pages", lang).lower()}: {more}</span>'
    return out if named else f'<p class="kb-catalogue-pages">{out}</p>'


def facets(content: Content, start: PageFile, lang: str, directory_urls: bool = True,
           include_drafts: bool = False) -> str:
    """The facet index the filters read: each method's title, address (from the start page)
    and facets as positions in `values`; regions' labels for the results. Compact JSON."""
    values = {field: [t.id for t in getattr(content.taxonomy, kind)] for field, _, kind in FILTERS}
    position = {field: {v: i for i, v in enumerate(ids)} for field, ids in values.items()}
    rows = []
    for method in methods(content, include_drafts):
        meta = method.meta
        rows.append([page_title(content, method.key, lang), url_of(start.key, method.key, directory_urls),
                     *([position[field][v] for v in getattr(meta, field) if v in position[field]]
                       for field, _, _ in FILTERS), 1 if meta.author == "region" else 0])
    data = {"fields": [field for field, _, _ in FILTERS], "values": values,
            "regions": [content.taxonomy.label("regions", r, lang) for r in values["regions"]],
            "editors": html.unescape(content.ui.get("method_by_editors_short", lang)), "methods": rows}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def facets_path(start: PageFile) -> str:
    """Where the facet index goes, from a language's root: in the listing pages' folder."""
    return posixpath.join(posixpath.dirname(start.key), FOLDER, FACETS)


def taken(content: Content) -> str:
    """The share form's list of what is taken (method_file.Taken), as compact JSON."""
    found = method_file.Taken.of(content, content.site.default_language)
    return json.dumps({"titles": sorted(found.titles), "paths": sorted(found.paths)}, ensure_ascii=False,
                      separators=(",", ":"))


def area_link(content: Content, from_key: str, area: str, count: int, lang: str, directory_urls: bool = True,
              include_drafts: bool = False) -> str | None:
    """A link to the first of the catalogue's pages for a focus area, with its number of
    methods, for the focus area's own page; None while the start page lists every method."""
    start = start_page(content)
    if start is None or len(methods(content, include_drafts)) <= START_LIMIT:
        return None
    href = url_of(from_key, listing_key(start, Listing("omrade", area, 1, 1, ())), directory_urls)
    return f'<a href="{href}">{content.ui.get("catalogue_methods", lang, count=count)}</a>'
