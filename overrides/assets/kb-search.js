// When a search finds nothing, the search box says whom to call and lists the checklists:
// the block overrides/main.html writes on every page (the helpline from data/contacts.yml)
// is moved under the theme's "no matching documents" line, and back out of the search box
// as soon as the search finds something or the box is emptied. Only while it is shown is
// it inside the box, where the theme's arrow keys go through its links.
(function () {
  "use strict";
  var none = document.querySelector("[data-kb-search-none]");
  var result = document.querySelector("[data-md-component=search-result]");
  var settings = document.getElementById("__config");
  if (!none || !result || !settings) { return; }
  var home = none.parentNode, spot = none.nextSibling;
  var meta = result.firstElementChild;
  var list = result.lastElementChild;
  var nothing = (JSON.parse(settings.textContent).translations || {})["search.result.none"];
  function update() {
    var shown = Boolean(nothing) && meta.textContent.trim() === nothing && list.children.length === 0;
    if (shown && none.parentNode !== result) {
      result.insertBefore(none, list);
    } else if (!shown && none.parentNode === result) {
      home.insertBefore(none, spot);
    }
    none.hidden = !shown;
  }
  var watch = new MutationObserver(update);
  watch.observe(meta, { childList: true, characterData: true, subtree: true });
  watch.observe(list, { childList: true });
  update();
})();
