// Case exercises (kb.build.exercises). Without JavaScript every stage shows and each
// option's feedback is a fold the reader opens. With it, the stages after the first wait
// until the reader has chosen: opening an option is the choice, its verdict is announced
// (role="status"), and a button leads on to the next stage, where focus moves. The choices
// are kept in this tab only (sessionStorage, which the quick exit clears) and sent nowhere.
(function () {
  "use strict";
  var root = document.querySelector(".kb-exercise");
  if (!root) { return; }
  var key = root.getAttribute("data-key") || "kb-exercise:";
  var stages = Array.prototype.slice.call(root.querySelectorAll(".kb-stage[data-stage]"));
  var discussion = root.querySelector(".kb-discussion");
  var parts = discussion ? stages.concat([discussion]) : stages.slice();
  var state = load();
  var views = [];

  function say(name) { return root.getAttribute("data-" + name) || ""; }

  function load() {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
      if (kept && typeof kept === "object" && kept.chosen && typeof kept.reached === "number") { return kept; }
    } catch (error) { /* storage refused or unreadable: start afresh */ }
    return { chosen: {}, reached: 0 };
  }

  function save() {
    try { window.sessionStorage.setItem(key, JSON.stringify(state)); } catch (error) { /* not kept: fine */ }
  }

  function words(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function heading(part) {
    var title = part.querySelector("h2");
    if (title && !title.hasAttribute("tabindex")) { title.setAttribute("tabindex", "-1"); }
    return title;
  }

  // What the status says when an option opens: the reader's choice (the first option opened
  // in the stage) is named as such; another one opened to compare is only named.
  function told(view, number) {
    var option = view.options[number];
    var verdict = option.querySelector(".kb-verdict");
    var said = words(option.querySelector("summary")) + " " + (verdict ? verdict.textContent.trim() : "");
    return state.chosen[view.index] === number ? say("chosen") + " " + said + " " + say("feedback-below") : said;
  }

  function show() {
    parts.forEach(function (part, index) { part.classList.toggle("kb-pending", index > state.reached); });
    views.forEach(function (view, index) {
      var chosen = state.chosen[index];
      view.options.forEach(function (option, number) { option.classList.toggle("kb-chosen", number === chosen); });
      view.next.hidden = chosen === undefined;
    });
    summarise();
  }

  function reach(index, focus) {
    if (index > state.reached) { state.reached = Math.min(index, parts.length - 1); save(); }
    show();
    if (focus && parts[index]) {
      var title = heading(parts[index]);
      if (title) { title.focus(); }
    }
  }

  // The discussion begins with what the reader chose, and a way to start again.
  var summary = null;
  var summaryList = null;
  if (discussion) {
    summary = document.createElement("div");
    summary.className = "kb-exercise-summary";
    var summaryHeading = document.createElement("h3");
    summaryHeading.textContent = say("your-choices");
    summaryList = document.createElement("ol");
    var restart = document.createElement("button");
    restart.type = "button";
    restart.className = "md-button kb-restart";
    restart.textContent = say("restart");
    restart.addEventListener("click", function () {
      state = { chosen: {}, reached: 0 };
      try { window.sessionStorage.removeItem(key); } catch (error) { /* nothing kept */ }
      root.querySelectorAll(".kb-option details[open]").forEach(function (fold) { fold.open = false; });
      views.forEach(function (view) { view.status.textContent = ""; });
      show();
      var first = heading(stages[0]);
      if (first) { first.focus(); }
      if (views[0]) { views[0].status.textContent = say("restarted"); }
    });
    summary.appendChild(summaryHeading);
    summary.appendChild(summaryList);
    summary.appendChild(restart);
    var title = heading(discussion);
    discussion.insertBefore(summary, title ? title.nextSibling : discussion.firstChild);
  }

  function summarise() {
    if (!summaryList) { return; }
    summaryList.textContent = "";
    views.forEach(function (view, index) {
      var chosen = state.chosen[index];
      if (chosen === undefined) { return; }
      var item = document.createElement("li");
      var verdict = view.options[chosen].querySelector(".kb-verdict");
      item.textContent = words(view.title) + ": " + words(view.options[chosen].querySelector("summary")) +
        (verdict ? " " + verdict.textContent.trim() : "");
      summaryList.appendChild(item);
    });
    summary.hidden = !summaryList.children.length;
  }

  stages.forEach(function (stage, index) {
    var group = stage.querySelector(".kb-options");
    var view = {
      index: index,
      title: heading(stage),
      options: Array.prototype.slice.call(stage.querySelectorAll(".kb-option")),
      status: document.createElement("p"),
      next: document.createElement("button")
    };
    view.status.className = "kb-stage-status";
    view.status.setAttribute("role", "status");
    view.next.type = "button";
    view.next.className = "md-button kb-next";
    view.next.textContent = index + 1 < stages.length ? say("next") : say("to-discussion");
    view.next.hidden = true;
    view.next.addEventListener("click", function () { reach(index + 1, true); });
    if (group) {
      group.parentNode.insertBefore(view.status, group.nextSibling);
      view.status.parentNode.insertBefore(view.next, view.status.nextSibling);
    }
    view.options.forEach(function (option, number) {
      var fold = option.querySelector("details");
      if (!fold) { return; }
      fold.addEventListener("toggle", function () {
        if (!fold.open) { return; }
        if (state.chosen[index] === undefined) {
          state.chosen[index] = number;
          save();
          show();
        }
        view.status.textContent = told(view, number);
      });
    });
    if (state.chosen[index] !== undefined && view.options[state.chosen[index]]) {
      view.status.textContent = told(view, state.chosen[index]);
    }
    views.push(view);
  });

  // A link to a stage that waits (the table of contents, an address with #steg-3) shows it.
  function follow() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    var index = parts.indexOf(target.closest(".kb-stage"));
    if (index > state.reached) { reach(index, false); target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", follow);

  root.classList.add("kb-exercise--js");
  show();
  follow();
})();
