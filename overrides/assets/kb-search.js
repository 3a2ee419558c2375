// When a search finds nothing, the search box says whom to call and lists the checklists:
// the block overrides/main.html writes on every page (the helpline from data/contacts.yml)
// is moved under the theme's "no matching documents" line, and back out of the search box
// as soon as the search finds something or the box is emptied. Only while it is shown is
// it inside the box, where the theme's arrow keys go through its links. Where the words
// typed are on no page but one letter away from some, it offers those ("Did you mean …?",
// from the worker's answer, told by assets/kb-search-hook.js); choosing one searches it.
// An answer lists the best pages only (the worker fetches their texts alone); the count
// above the list says how many pages match in all.
(function () {
  "use strict";
  var none = document.querySelector("[data-kb-search-none]");
  var result = document.querySelector("[data-md-component=search-result]");
  var settings = document.getElementById("__config");
  var input = document.querySelector(".md-search__input");
  if (!none || !result || !settings || !input) { return; }
  var home = none.parentNode, spot = none.nextSibling;
  var meta = result.firstElementChild;
  var list = result.lastElementChild;
  var translations = JSON.parse(settings.textContent).translations || {};
  var nothing = translations["search.result.none"], many = translations["search.result.other"];
  var total = 0, listed = 0;  // of the last answer: how many pages match, how many it lists
  var suggest = none.querySelector("[data-kb-search-suggest]");
  var words = suggest ? suggest.querySelector("span") : null;
  function update() {
    var shown = Boolean(nothing) && meta.textContent.trim() === nothing && list.children.length === 0;
    if (shown && none.parentNode !== result) {
      result.insertBefore(none, list);
    } else if (!shown && none.parentNode === result) {
      home.insertBefore(none, spot);
    }
    none.hidden = !shown;
    var count = many && total > listed && list.children.length ? many.replace("#", String(total)) : null;
    if (count && meta.textContent !== count) { meta.textContent = count; }
  }
  function search(word) {
    input.value = word;
    input.focus();
    input.dispatchEvent(new KeyboardEvent("keyup", { key: "End" }));  // the theme searches on keyup
  }
  document.addEventListener("kb-search-answer", function (event) {
    var found = (event.detail && event.detail.kb_suggestions) || [];
    total = (event.detail && event.detail.kb_total) || 0;
    listed = event.detail && event.detail.items ? event.detail.items.length : 0;
    if (!words) { return; }
    words.textContent = "";
    found.forEach(function (word, number) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-suggestion";
      button.textContent = word;
      button.addEventListener("click", function () { search(word); });
      if (number) { words.appendChild(document.createTextNode(", ")); }
      words.appendChild(button);
    });
    if (found.length) { words.appendChild(document.createTextNode("?")); }
    suggest.hidden = !found.length;
  });
  // The search form's own button (kb.build.compat.name_controls): it goes to the A–Ö page,
  // which works without JavaScript; with it, the button opens the best result, as Enter does.
  var form = input.form;
  if (form) {
    form.addEventListener("submit", function (event) {
      var first = list.querySelector(".md-search-result__link");
      if (first) { event.preventDefault(); first.click(); }
    });
  }
  var watch = new MutationObserver(update);
  watch.observe(meta, { childList: true, characterData: true, subtree: true });
  watch.observe(list, { childList: true });
  update();
})();
