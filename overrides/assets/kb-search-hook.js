// Loaded before the theme's script, which starts the site's search worker. It starts the
// worker itself, at once, and hands that worker to the theme when the theme asks for it, so
// the worker fetches its manifest (named in its address) while the theme's script is still
// loading rather than after it. Every answer the worker sends names the text it answers
// (overrides/assets/kb-search-worker.js), and the theme sees an answer only while the
// search box still holds that text, so that a reader typing fast never sees the count or
// the pages of what they typed a moment ago. Each answer shown is also told to
// assets/kb-search.js (its "Did you mean …?" words and how many pages match) as the event
// "kb-search-answer" on the document.
(function () {
  "use strict";
  var Native = window.Worker;
  var RESULT = 3;  // the theme's SearchMessageType (kb.build.compat.SEARCH_MESSAGES)
  if (!Native) { return; }
  function current(answer) {
    var input = document.querySelector(".md-search__input");
    return !input || typeof answer.query !== "string" || answer.query === input.value;
  }
  function ours(url) { return String(url).indexOf("kb-search-worker") >= 0; }
  var started = null;  // [address, worker] started before the theme asked
  var settings = document.getElementById("__config");
  try {
    var address = settings && JSON.parse(settings.textContent).search;
    if (address && ours(address)) { started = [address, new Native(address)]; }
  } catch (error) {
    started = null;  // the theme starts it as it would without this
  }
  function Hooked(url, options) {
    var worker;
    if (started && options === undefined && String(url) === started[0]) {
      worker = started[1];
      started = null;
    } else {
      worker = options === undefined ? new Native(url) : new Native(url, options);
    }
    if (!ours(url)) { return worker; }
    var add = worker.addEventListener;
    worker.addEventListener = function (type, listener, settings) {
      if (type !== "message" || typeof listener !== "function") { return add.call(worker, type, listener, settings); }
      return add.call(worker, type, function (event) {
        var message = event.data;
        if (message && message.type === RESULT && message.data) {
          if (!current(message.data)) { return; }
          document.dispatchEvent(new CustomEvent("kb-search-answer", { detail: message.data }));
        }
        return listener.call(this, event);
      }, settings);
    };
    return worker;
  }
  Hooked.prototype = Native.prototype;
  window.Worker = Hooked;
})();
