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
