// The share page's form (kb.build.method_form): a method's file from the answers, made in
// the reader's browser by the template and rules the build put in #kb-method-spec. It is
// the file `kb new method` writes for the same answers (kb.model.method_file: the functions
// under "the file" and "the checks" follow that module, tests/browser/test_share_form.py
// holds them to it). The rules on the file's words are kb.model.text_rules' declarations,
// which kb check runs too: the engine under "the declared rules" applies them and holds no
// rule of its own; tests/browser/test_conformance.py holds the two verdicts to each other.
// Nothing leaves the browser until the reader follows the GitHub link. The draft is kept
// in this tab's sessionStorage, as the page says; "Clear" and the quick exit delete it.
(function () {
  "use strict";
  var root = document.getElementById("kb-share");
  var specElement = document.getElementById("kb-method-spec");
  if (!root || !specElement) { return; }
  var spec = JSON.parse(specElement.textContent);
  var rules = spec.rules;
  var template = spec.template;
  var form = document.getElementById("kb-method-form");
  var fieldset = document.getElementById("kb-method-fields");
  var sectionset = document.getElementById("kb-method-sections");
  var output = document.getElementById("kb-method-file");
  var pathElement = document.getElementById("kb-method-path");
  var status = document.getElementById("kb-method-status");
  var list = document.getElementById("kb-method-problems");
  var github = document.getElementById("kb-method-github");
  var githubNote = document.getElementById("kb-method-github-note");
  var githubHint = githubNote ? githubNote.textContent : "";
  var touched = {};
  var listed = null;

  function message(rule) {
    return root.getAttribute("data-msg-" + rule.replace(/_/g, "-")) || rule;
  }

  // --- the answers ------------------------------------------------------------------

  function control(where, name) {
    return (where === "section" ? sectionset : fieldset).elements.namedItem(name);
  }

  function read() {
    var answers = {sections: {}};
    rules.text_fields.forEach(function (name) {
      answers[name] = rules.asked.indexOf(name) !== -1 ? control("field", name).value : "";
    });
    answers.keywords = [answers.keywords];
    rules.choice_fields.forEach(function (name) {
      answers[name] = Array.prototype.slice.call(fieldset.querySelectorAll("[name='" + name + "']"))
        .filter(function (box) { return box.tagName === "SELECT" ? box.value : box.checked; })
        .map(function (box) { return box.value; });
    });
    template.sections.forEach(function (section) {
      answers.sections[section.id] = control("section", section.id).value;
    });
    return answers;
  }

  function trim(text) { return text.replace(/^[ \t\n]+|[ \t\n]+$/g, ""); }

  function unique(values) {
    return values.filter(function (value, index) { return values.indexOf(value) === index; });
  }

  function cleaned(answers) {
    var clean = {sections: {}};
    ["title", "summary", "contact_role"].forEach(function (name) { clean[name] = trim(answers[name]); });
    rules.choice_fields.forEach(function (name) {
      var known = spec.order[name];
      var chosen = answers[name];
      clean[name] = known.filter(function (id) { return chosen.indexOf(id) !== -1; })
        .concat(unique(chosen).filter(function (id) { return known.indexOf(id) === -1; }));
    });
    var words = [];
    answers.keywords.forEach(function (value) { value.split(",").forEach(function (word) { words.push(trim(word)); }); });
    clean.keywords = unique(words.filter(function (word) { return word; }));
    Object.keys(answers.sections).forEach(function (id) {
      var text = trim(answers.sections[id].replace(/\r\n/g, "\n").replace(/\r/g, "\n"));
      if (text) { clean.sections[id] = text; }
    });
    clean.problem = firstSentence(clean.sections[rules.problem_from] || "");
    return clean;
  }

  // The front matter's one-line problem: the first sentence of the section that describes it.
  function firstSentence(text) {
    var paragraph = text.split(/\n[ \t]*\n/)[0].split(/[ \t\n]+/).filter(Boolean).join(" ");
    var sentence = new RegExp(rules.first_sentence).exec(paragraph);
    var plain = (sentence ? sentence[1] : paragraph).replace(new RegExp(rules.unlink, "g"), "$1");
    return plain.replace(new RegExp(rules.not_plain, "g"), "");
  }

  // --- the file ---------------------------------------------------------------------

  function slugify(title) {
    var join = rules.slug.join;
    var ascii = title.normalize(rules.slug.normalize).replace(/[^\x00-\x7f]/g, "");
    var slug = ascii.toLowerCase().replace(new RegExp(rules.slug.separator, "g"), join);
    while (slug.slice(0, join.length) === join) { slug = slug.slice(join.length); }
    while (slug && slug.slice(-join.length) === join) { slug = slug.slice(0, -join.length); }
    return slug;
  }

  function yamlText(value) {
    var out = "";
    for (var char of value) { out += rules.yaml_escapes[char] || char; }
    return "\"" + out + "\"";
  }

  function headingText(value) {
    var out = "";
    for (var char of value) { out += (rules.heading_escapes.indexOf(char) !== -1 ? "\\" : "") + char; }
    return out;
  }

  function written(kind, value) {
    if (kind === "text") { return yamlText(value); }
    if (kind === "ids") { return "[" + value.join(", ") + "]"; }
    if (kind === "texts") { return "[" + value.map(yamlText).join(", ") + "]"; }
    return value;
  }

  function owner(answers) { return (answers.regions.length && spec.owners[answers.regions[0]]) || ""; }

  function today() {
    var now = new Date();
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" +
      String(now.getDate()).padStart(2, "0");
  }

  function render(answers) {
    var role = owner(answers);
    var values = {title: answers.title, summary: answers.summary, owner: role, last_reviewed_on: today(),
      problem: answers.problem, focus_areas: answers.focus_areas, regions: answers.regions,
      target_groups: answers.target_groups, exploitation_forms: answers.exploitation_forms,
      actors: answers.actors, contact_role: answers.contact_role || role, keywords: answers.keywords};
    var lines = template.front.map(function (pair) {
      var key = pair[0];
      var value = Object.prototype.hasOwnProperty.call(values, key) ? values[key] : "";
      return value.length ? key + ": " + written(rules.kinds[key], value) : pair[1];
    });
    var head = answers.title ? template.head.split("{title}").join(headingText(answers.title)) : template.head;
    var body = template.sections.map(function (section) {
      return section.heading + section.lead + (answers.sections[section.id] || section.placeholder) + section.trail;
    }).join("");
    return "---\n" + lines.join("\n") + "\n---\n" + head + body;
  }

  function filePath(answers) {
    var slug = slugify(answers.title);
    return answers.regions.length && slug ? spec.taken.methods + "/" + answers.regions[0] + "/" + slug + ".md" : "";
  }

  // --- the checks -------------------------------------------------------------------

  var notText = new RegExp(rules.not_text);
  function textRules(value, oneLine) {
    var found = [];
    if (oneLine && new RegExp(rules.plain_text).test(value)) { found.push("plain_text"); }
    if (oneLine && new RegExp(rules.markup).test(value)) { found.push("link"); }
    if (notText.test(value)) { found.push("not_text"); }
    if (oneLine && value.indexOf("\n") !== -1) { found.push("one_line"); }
    return found;
  }

  function fiction(number) {
    var digits = number.replace(/[^0-9]/g, "");
    var national = digits.slice(0, 2) === "46" ? "0" + digits.slice(2)
      : digits.slice(0, 4) === "0046" ? "0" + digits.slice(4) : digits;
    var low = rules.fiction_numbers[0];
    var high = rules.fiction_numbers[1];
    return national.length === low.length && low <= national && national <= high;
  }

  function textValues(answers, name) { return name === "keywords" ? answers.keywords : [answers[name]]; }

  function findings(answers, text) {
    var found = [];
    function add(where, name, rule, hint) {
      if (where === "field" && name === rules.problem_field) { where = "section"; name = rules.problem_from; }
      found.push({where: where, name: name, rule: rule, hint: !!hint});
    }
    template.required.forEach(function (key) { if (!answers[key].length) { add("field", key, "required"); } });
    rules.text_fields.forEach(function (name) {
      textValues(answers, name).forEach(function (value) {
        textRules(value, true).forEach(function (rule) { add("field", name, rule); });
      });
    });
    rules.choice_fields.forEach(function (name) {
      if (answers[name].some(function (id) { return spec.order[name].indexOf(id) === -1; })) {
        add("field", name, "unknown_id");
      }
    });
    template.sections.forEach(function (section) {
      var text = answers.sections[section.id] || "";
      if (!text) { add("section", section.id, "required"); }
      textRules(text, false).forEach(function (rule) { add("section", section.id, rule); });
    });
    if (answers.title) {
      var where = filePath(answers);
      if (!slugify(answers.title)) { add("field", "title", "no_slug"); }
      else if (spec.taken.titles.indexOf(answers.title.toLowerCase()) !== -1) { add("field", "title", "title_taken"); }
      else if (spec.taken.paths.indexOf(where) !== -1) { add("field", "title", "path_taken"); }
      else if (where.length > rules.max_path) { add("field", "title", "path_long"); }
    }
    var texts = [];
    rules.text_fields.forEach(function (name) {
      textValues(answers, name).forEach(function (value) { texts.push(["field", name, value]); });
    });
    template.sections.forEach(function (section) {
      texts.push(["section", section.id, answers.sections[section.id] || ""]);
    });
    texts.forEach(function (text) {
      Object.keys(rules.guidance).forEach(function (rule) {
        var matches = Array.from(text[2].matchAll(new RegExp(rules.guidance[rule], "g")));
        if (matches.some(function (m) { return !fiction(m[0]); })) { add(text[0], text[1], rule, true); }
      });
    });
    // The declared rules, over the file itself. What is wrong with an answer is said once: its own
    // problem ("required" for one left empty, which keeps the template's <REQUIRED: …>) covers its lines.
    var owner = owners(text);
    var covered = {};
    found.forEach(function (f) { if (!f.hint) { covered[f.where + ":" + f.name] = true; } });
    scanned(text, "method", spec.file_lang).forEach(function (f) {
      var where = owner[f.line - 1] || ["field", "title"];
      if (covered[where[0] + ":" + where[1]]) { return; }
      found.push({where: where[0], name: where[1], rule: f.rule, hint: false, line: f.line, message: f.message});
    });
    // A line longer than the loader reads (kb.model.load.MAX_LINE): the first one, as kb check says it.
    var lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].length > rules.max_line && Array.from(lines[i]).length > rules.max_line) {
        var at = owner[i] || ["field", "title"];
        found.push({where: at[0], name: at[1], rule: "long_line", hint: false, line: i + 1, message: message("long_line")});
        break;
      }
    }
    var errors = {};
    found.forEach(function (f) { if (!f.hint) { errors[f.where + ":" + f.name + ":" + f.rule] = true; } });
    var seen = {};
    return found.filter(function (f) {
      if (f.hint && errors[f.where + ":" + f.name + ":" + f.rule]) { return false; }  // said as a problem already
      var key = [f.where, f.name, f.rule, f.hint, f.line || 0, f.message || ""].join("\u0000");
      return seen[key] ? false : (seen[key] = true);
    });
  }

  // --- the declared rules on a page's words (kb.model.text_rules), as kb check runs them ---

  var declared = spec.text_rules;
  var compiled = {};
  function regex(pattern, flags) {
    return compiled[flags + "/" + pattern] || (compiled[flags + "/" + pattern] = new RegExp(pattern, flags));
  }

  function blank(pattern, line) {
    return line.replace(regex(pattern, "g"), function (found) { return " ".repeat(found.length); });
  }

  function checkDigitFits(number) {
    var digits = number.replace(/[^0-9]/g, "").slice(-10);
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var doubled = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
      total += doubled > 9 ? doubled - 9 : doubled;
    }
    return total % 10 === 0;
  }

  function passes(rule, match) {
    if (!rule.test) { return true; }
    if (rule.test === "luhn") { return checkDigitFits(match[0]); }
    return (declared.lists[rule.test.replace(/^not_in:/, "")] || []).indexOf(trim(match[1] || "")) === -1;
  }

  function ruleSays(rule, match) {
    var first = "";
    for (var i = 1; i < match.length; i++) { if (match[i] !== undefined) { first = match[i]; break; } }
    var shown = rule.test && rule.test.indexOf("not_in:") === 0 ?
      declared.lists[rule.test.replace(/^not_in:/, "") + "_shown"] || [] : [];
    var values = {match: match[0].split(/[ \t\n]+/).filter(Boolean).join(" "), value: first, list: shown.join(", ")};
    Object.keys(rule.facts).forEach(function (name) { values[name] = rule.facts[name]; });
    return declared.messages[rule.id].replace(/\{([a-z]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  // Every match of every rule that applies, with its line: kb.model.text_rules.findings, step by step.
  function scanned(text, type, lang) {
    var lowered = text.toLowerCase();
    var rules = declared.rules.filter(function (rule) {
      if (rule.quick && !rule.quick.some(function (word) { return lowered.indexOf(word) !== -1; })) { return false; }
      return (!rule.types || rule.types.indexOf(type) !== -1) && (!rule.langs || rule.langs.indexOf(lang) !== -1) &&
        regex(rule.pattern, rule.ignore_case ? "im" : "m").test(text);
    });
    var found = [];
    if (!rules.length) { return found; }
    var lines = text.split("\n");
    var bodyStart = 0;
    if (lines[0] === "---") {
      for (var i = 1; i < lines.length; i++) { if (lines[i] === "---" || lines[i] === "...") { bodyStart = i + 1; break; } }
    }
    var fence = null;
    lines.forEach(function (line, index) {
      var inCode = false;
      var prose = line;
      if (index >= bodyStart) {
        var opening = regex(declared.fence, "").exec(line);
        if (fence) {
          inCode = true;
          if (opening && opening[2][0] === fence[0] && opening[2].length >= fence.length) { fence = null; }
        } else if (opening) {
          fence = opening[2];
          inCode = true;
        } else if (line.indexOf("`") !== -1) {
          prose = blank(declared.code_span, line);
        }
      }
      rules.forEach(function (rule) {
        if ((rule.body && index < bodyStart) || (rule.prose && inCode)) { return; }
        if (rule.skip_line && regex(rule.skip_line, "").test(line)) { return; }
        var subject = rule.prose ? prose : line;
        if (rule.mask) { subject = blank(rule.mask, subject); }
        var flags = rule.ignore_case ? "i" : "";
        if (rule.unless && regex(rule.unless, flags).test(subject)) { return; }
        for (var match of subject.matchAll(regex(rule.pattern, "g" + flags))) {
          if (passes(rule, match)) { found.push({line: index + 1, rule: rule.id, message: ruleSays(rule, match)}); }
        }
      });
    });
    return found;
  }

  // Which answer each line of the file comes from: a front-matter key, the title or a section.
  function owners(text) {
    var lines = text.split("\n");
    var headings = {};
    template.sections.forEach(function (section) { headings[section.heading] = section.id; });
    var owner = [];
    var current = ["field", "title"];
    var front = lines[0] === "---";
    lines.forEach(function (line, index) {
      if (front && index > 0 && line === "---") { front = false; owner.push(["field", "title"]); return; }
      if (front) {
        var key = (/^([a-z_]+):/.exec(line) || [])[1];
        var name = rules.owner_of[key] || key;
        owner.push(name === rules.problem_field ? ["section", rules.problem_from] :
          rules.asked.indexOf(name) !== -1 || rules.choice_fields.indexOf(name) !== -1 ? ["field", name] : ["field", "title"]);
        return;
      }
      if (Object.prototype.hasOwnProperty.call(headings, line)) { current = ["section", headings[line]]; }
      owner.push(current);
    });
    return owner;
  }

  // --- the page ---------------------------------------------------------------------

  function elementOf(where, name) {
    return document.getElementById((where === "section" ? "kb-section-" : "kb-field-") + name);
  }

  function said(finding) {
    if (finding.message) { return finding.message; }
    var choice = finding.rule === "required" && finding.where === "field" && spec.order[finding.name] &&
      finding.name !== "regions";
    return message(choice ? "required_choice" : finding.rule);
  }

  function showProblems(found, showAll) {
    var byField = {};
    found.forEach(function (f) { (byField[f.where + ":" + f.name] = byField[f.where + ":" + f.name] || []).push(f); });
    root.querySelectorAll(".kb-problem").forEach(function (element) {
      var ident = element.id.replace(/-problem$/, "");
      var where = ident.indexOf("kb-section-") === 0 ? "section" : "field";
      var name = ident.replace(/^kb-(section|field)-/, "");
      var mine = byField[where + ":" + name] || [];
      var shown = mine.filter(function (f) { return f.hint || showAll || touched[where + ":" + name]; });
      element.textContent = "";
      shown.forEach(function (f) {
        var span = document.createElement("span");
        span.className = f.hint ? "kb-guidance" : "kb-error";
        span.setAttribute("data-rule", f.rule);
        if (f.line) { span.setAttribute("data-line", String(f.line)); }
        span.textContent = said(f) + " ";
        element.appendChild(span);
      });
      var invalid = shown.some(function (f) { return !f.hint; });
      var target = elementOf(where, name);
      if (target) {
        if (invalid) { target.setAttribute("aria-invalid", "true"); } else { target.removeAttribute("aria-invalid"); }
      }
    });
    // The list of what is left is rebuilt only when it changes: a link in it may have the focus.
    var errors = found.filter(function (f) { return !f.hint; });
    var signature = JSON.stringify(errors);
    if (signature === listed) { return; }
    listed = signature;
    list.textContent = "";
    errors.forEach(function (f) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var target = elementOf(f.where, f.name);
      link.href = "#" + target.id;
      link.textContent = target.closest("[data-label]").getAttribute("data-label") + ": " + said(f);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var focusable = target.matches("fieldset") ? target.querySelector("input") : target;
        focusable.focus();
      });
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  var announce = null;
  function say(text, now) {
    clearTimeout(announce);
    if (now) { status.textContent = text; return; }
    announce = setTimeout(function () { status.textContent = text; }, 800);
  }

  function linkTo(answers, text, errors) {
    if (!github) { return; }
    var slug = slugify(answers.title);
    github.hidden = errors > 0 || !slug;
    if (github.hidden) {
      githubNote.textContent = message("blocked");
      return;
    }
    var base = spec.github + "/" + answers.regions[0];
    var url = base + "?" + new URLSearchParams({filename: slug + ".md", value: text}).toString();
    if (url.length > rules.max_url) {
      github.href = base + "?" + new URLSearchParams({filename: slug + ".md"}).toString();
      github.textContent = message("too_long_link");
      githubNote.textContent = message("too_long");
    } else {
      github.href = url;
      github.textContent = root.getAttribute("data-github-text");
      githubNote.textContent = githubHint + " " + message("github_path") + " " + filePath(answers) + ".";
    }
  }

  var current = {text: "", name: "metod.md", path: ""};

  function update(showAll) {
    var answers = cleaned(read());
    var text = render(answers);
    var found = findings(answers, text);
    var errors = found.filter(function (f) { return !f.hint; }).length;
    output.value = text;
    current = {text: text, name: (slugify(answers.title) || "metod") + ".md", path: filePath(answers)};
    pathElement.textContent = filePath(answers) || spec.taken.methods + "/…";
    control("field", "contact_role").placeholder = owner(answers);
    showProblems(found, showAll);
    linkTo(answers, text, errors);
    say(errors ? message("left") + " " + errors : message("ready"));
    save();
  }

  // --- the draft, in this tab only ----------------------------------------------------

  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  function save() {
    var store = storage();
    if (!store) { return; }
    var draft = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name) { return; }
      var key = (element.closest("#kb-method-sections") ? "section:" : "field:") + element.name;
      if (element.type === "checkbox") {
        if (element.checked) { (draft[key] = draft[key] || []).push(element.value); }
      } else if (element.value) {
        draft[key] = element.value;
      }
    });
    try {
      if (Object.keys(draft).length) { store.setItem(spec.draft, JSON.stringify(draft)); }
      else { store.removeItem(spec.draft); }
    } catch (error) { /* full or refused: the draft is not kept */ }
  }

  function restore() {
    var store = storage();
    var draft = null;
    try { draft = store && JSON.parse(store.getItem(spec.draft) || "null"); } catch (error) { draft = null; }
    if (!draft || typeof draft !== "object") { return; }
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name) { return; }
      var value = draft[(element.closest("#kb-method-sections") ? "section:" : "field:") + element.name];
      if (element.type === "checkbox") {
        element.checked = Array.isArray(value) && value.indexOf(element.value) !== -1;
      } else if (typeof value === "string") {
        element.value = value;
      }
    });
  }

  // --- events -----------------------------------------------------------------------

  function touch(event) {
    var element = event.target;
    if (!element.name) { return; }
    touched[(element.closest("#kb-method-sections") ? "section:" : "field:") + element.name] = true;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); update(true); });
  form.addEventListener("input", function (event) { touch(event); update(false); });
  form.addEventListener("change", function (event) { touch(event); update(false); });
  form.addEventListener("focusout", function (event) { touch(event); update(false); });

  document.getElementById("kb-method-clear").addEventListener("click", function () {
    form.reset();
    touched = {};
    var store = storage();
    try { if (store) { store.removeItem(spec.draft); } } catch (error) { /* nothing kept */ }
    update(false);
    say(message("cleared"), true);
  });

  document.getElementById("kb-method-copy").addEventListener("click", function () {
    function byHand() {
      output.focus();
      output.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      say(message(done ? "copied" : "copy_failed"), true);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(current.text).then(function () { say(message("copied"), true); }, byHand);
    } else {
      byHand();
    }
  });

  document.getElementById("kb-method-download").addEventListener("click", function () {
    var address = URL.createObjectURL(new Blob([current.text], {type: "text/markdown;charset=utf-8"}));
    var link = document.createElement("a");
    link.href = address;
    link.download = current.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(address); }, 1000);
    if (current.path) { say(message("downloaded") + " " + current.path + ".", true); }
  });

  function start() {
    restore();
    update(false);
  }
  // What is taken is a file of its own beside the catalogue (it grows with every method): the
  // form starts once it is read, or without it if it cannot be (the offline edition). The form is
  // on the page from the first paint (kb.css), so nothing moves when it starts.
  spec.taken.titles = spec.taken.titles || [];
  spec.taken.paths = spec.taken.paths || [];
  if (spec.taken.href) {
    fetch(spec.taken.href).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (taken) {
      spec.taken.titles = taken.titles;
      spec.taken.paths = taken.paths;
    }, function () { /* kb check still refuses a title or path taken */ }).then(start);
  } else {
    start();
  }
})();
