// Shows the overdue warning on contacts and pages whose review date has passed, judged by
// the reader's own clock, so an old build still warns. Runs only on this site's pages.
(function () {
  "use strict";
  var today = new Date();
  var iso = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" +
    String(today.getDate()).padStart(2, "0");
  document.querySelectorAll("[data-review-by]").forEach(function (element) {
    if (iso > element.getAttribute("data-review-by")) {
      element.classList.add("kb-is-overdue");
      element.querySelectorAll(".kb-overdue").forEach(function (warning) { warning.hidden = false; });
    }
  });
})();

// Method catalogue filters: the lists work without JavaScript; with it, the filters appear
// (kb.css). Once a value is chosen they list every matching method of the whole catalogue,
// in place of the lists below, from the facet index the build writes beside the page
// (kb.build.catalogue), fetched on first use so that loading the page costs nothing.
(function () {
  "use strict";
  var panel = document.querySelector(".kb-filters");
  if (!panel) { return; }
  var selects = Array.prototype.slice.call(panel.querySelectorAll("select[data-filter]"));
  var count = panel.querySelector(".kb-filter-count");
  var results = panel.querySelector(".kb-filter-results");
  var browse = Array.prototype.slice.call(document.querySelectorAll(
    ".md-content .kb-methods, .kb-by-region, .kb-catalogue-pages, h2[id^='omrade-'], h2#regioner"));
  var facets = null;
  function load() {
    facets = facets || fetch(panel.getAttribute("data-facets")).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
    return facets;
  }
  function say(shown) {
    count.textContent = panel.getAttribute("data-count")
      .replace("{shown}", shown).replace("{total}", panel.getAttribute("data-total"));
  }
  function item(data, method) {
    var entry = document.createElement("li");
    var link = document.createElement("a");
    link.href = method[1];
    link.textContent = method[0];
    var where = document.createElement("small");
    var regions = method[2 + data.fields.indexOf("regions")];
    where.textContent = "(" + (method[method.length - 1] ?
      regions.map(function (i) { return data.regions[i]; }).join(", ") : data.editors) + ")";
    entry.append(link, " ", where);
    return entry;
  }
  function show(data) {
    var wanted = selects.map(function (select) {
      var field = select.getAttribute("data-filter");
      return select.value ? [2 + data.fields.indexOf(field), data.values[field].indexOf(select.value)] : null;
    }).filter(Boolean);
    var found = data.methods.filter(function (method) {
      return wanted.every(function (want) { return method[want[0]].indexOf(want[1]) !== -1; });
    });
    results.replaceChildren.apply(results, found.map(function (method) { return item(data, method); }));
    say(found.length);
  }
  function apply() {
    var filtering = selects.some(function (select) { return select.value; });
    browse.forEach(function (element) { element.hidden = filtering; });
    results.hidden = !filtering;
    if (!filtering) { say(panel.getAttribute("data-total")); return; }
    load().then(show, function () {
      browse.forEach(function (element) { element.hidden = false; });
      results.hidden = true;
    });
  }
  selects.forEach(function (select) { select.addEventListener("change", apply); });
  // Filters the browser kept from an earlier visit (Back) apply at once.
  if (selects.some(function (select) { return select.value; })) { apply(); }
})();

// Quick exit: leave for the neutral site, replacing this page in the history so Back does
// not lead here. Also on Esc pressed three times within two seconds.
(function () {
  "use strict";
  var exit = document.getElementById("kb-quick-exit");
  if (!exit) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    // What this tab kept (the share page's draft) goes too: Back must not bring it back.
    try { window.sessionStorage.clear(); } catch (error) { /* storage refused: nothing kept */ }
    window.location.replace(exit.href);
  }
  exit.addEventListener("click", leave);
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
})();

// The start page's county picker: a list of links without JavaScript; with it, a select
// and a button (choosing alone does not leave the page, WCAG 3.2.2) in place of the list.
(function () {
  "use strict";
  var list = document.querySelector("details.kb-counties");
  if (!list) { return; }
  var summary = list.querySelector("summary");
  var form = document.createElement("form");
  form.className = "kb-county-picker";
  var label = document.createElement("label");
  label.setAttribute("for", "kb-county");
  label.textContent = summary ? summary.textContent : "";
  var select = document.createElement("select");
  select.id = "kb-county";
  // First an empty choice, so that no county is chosen for the reader ("Välj ditt län").
  var empty = document.createElement("option");
  empty.value = "";
  empty.textContent = label.textContent;
  select.appendChild(empty);
  list.querySelectorAll("a").forEach(function (link) {
    var option = document.createElement("option");
    option.value = link.getAttribute("href");
    option.textContent = link.textContent;
    select.appendChild(option);
  });
  var button = document.createElement("button");
  button.type = "submit";
  button.className = "md-button";
  var go = list.querySelector(".kb-county-go");
  button.textContent = go ? go.textContent : "";
  form.appendChild(label);
  form.appendChild(select);
  form.appendChild(button);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (select.value) { window.location.href = select.value; } else { select.focus(); }
  });
  list.parentNode.insertBefore(form, list);
  list.hidden = true;
})();

// On paper the list of sources shows what each passage says (kb.css does it with
// ::details-content): browsers without it get the folds opened before printing, and
// closed again after.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".kb-sources details:not([open])").forEach(function (fold) {
      fold.open = true;
      opened.push(fold);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (fold) { fold.open = false; });
    opened = [];
  });
})();
