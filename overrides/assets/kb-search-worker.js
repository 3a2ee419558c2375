// The site's search worker. The build puts lunr.js and lunr-languages (pinned in
// package-lock.json) in front of this file (kb.build.search_worker). It answers the
// theme's search box in the theme's worker messages (SETUP -> READY, QUERY -> RESULT):
// the config the theme's page script hands over names the manifest of the index the build
// made once with lunr.py (kb.build.search_file); a query fetches only the shards it reads,
// each once. Every step below mirrors one in kb.build.search_words, kb.build.search_file
// and kb.tools.search, which `kb search` runs: tests/browser/test_search_agreement.py
// checks that both rank the same pages.
(function () {
  "use strict";
  var FORMAT = 3;  // kb.build.search_file.FORMAT
  var SCALE = 1000;  // kb.build.search_file.SCALE
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // the theme's SearchMessageType
  var MARKED = 50;  // the pages whose found words are marked: the box shows 10, then 4 more at a time
  var LIMIT = 50;  // the pages an answer lists (their texts are fetched); the count says how many match
  var SUGGESTIONS = 3;  // kb.tools.search.SUGGESTIONS
  var SEPARATOR = /[^\p{L}\p{N}]+/u;
  var ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;

  // kb.build.search_words.words
  function words(text) {
    return text.normalize("NFC").toLowerCase().replace(ASTRAL, "").split(SEPARATOR).filter(Boolean);
  }

  // kb.build.search_file.Sharded: the manifest, and each shard fetched once, when a query
  // first needs it (from the manifest's own address; the offline edition's are inline)
  function Index(manifest, base) {
    this.manifest = manifest;
    this.base = base;
    this.fields = manifest.fields;
    this.terms = manifest.terms;
    this.number = new Map();
    manifest.terms.forEach(function (term, number) { this.number.set(term, number); }, this);
    this.pageStarts = [];
    for (var i = 0, at = 0; i < manifest.pages.length; i++) { at += manifest.pages[i]; this.pageStarts.push(at); }
    this.shards = new Map();
    this.unpacked = new Map();
  }

  Index.prototype.shard = function (name) {
    var found = this.shards.get(name);
    if (found === undefined) {
      var inline = this.manifest.shards;
      found = inline ? Promise.resolve(inline[name]) : fetchJSON(new URL("shards/" + name, this.base).href);
      this.shards.set(name, found);
      found.catch(function () {});  // reported where a query waits for it
    }
    return found;
  };

  // the last of the sorted `starts` at or before `number`, as Python's bisect_right - 1
  function before(starts, number) {
    var low = 0, high = starts.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (starts[middle] <= number) { low = middle + 1; } else { high = middle; }
    }
    return low - 1;
  }

  // each term's posting: {word: the word it stands for or null, field: Map entry -> weight}
  Index.prototype.postings = function (numbers) {
    var self = this, starts = this.manifest.term_shards, sorted = Array.from(new Set(numbers)).sort(byNumber);
    return Promise.all(sorted.map(function (number) {
      var which = before(starts, number);
      return self.shard("t" + which + ".json").then(function (shard) { return [number, shard[number - starts[which]]]; });
    })).then(function (raws) {
      var found = new Map();
      raws.forEach(function (pair) {
        var raw = pair[1], posting = { word: raw[0] };
        self.fields.forEach(function (name, place) {
          var table = raw[1 + 2 * place], flat = raw[2 + 2 * place], entries = new Map();
          for (var at = 0, doc = 0; at < flat.length; at += 2) {
            doc += flat[at];
            entries.set(doc, table[flat[at + 1]] / SCALE);
          }
          posting[name] = entries;
        });
        found.set(pair[0], posting);
      });
      return found;
    });
  };

  Index.prototype.pageOf = function (doc) { return this.pageStarts[before(this.pageStarts, doc)]; };

  // what each entry shows: {location, title, text}
  Index.prototype.docs = function (numbers) {
    var self = this, size = this.manifest.docs_per_shard;
    return Promise.all(Array.from(new Set(numbers)).sort(byNumber).map(function (number) {
      var name = "d" + Math.floor(number / size) + ".json";
      return self.shard(name).then(function (shard) {
        if (!self.unpacked.has(name)) { self.unpacked.set(name, unpackDocs(shard)); }
        return [number, self.unpacked.get(name)[number % size]];
      });
    })).then(function (pairs) { return new Map(pairs); });
  };

  function byNumber(a, b) { return a - b; }

  // kb.build.search_file.unpack_docs
  function unpackDocs(packed) {
    var page = "";
    return packed.map(function (entry) {
      var location = entry[0].charAt(0) === "#" ? page + entry[0] : entry[0];
      page = location.split("#")[0];
      return { location: location, title: entry[1], text: entry[2] };
    });
  }

  function fetchJSON(href) {
    return fetch(href).then(function (response) {
      if (!response.ok) { throw new Error(href + ": " + response.status); }
      return response.json();
    });
  }

  // The page names its language's manifest after "#index=" in the worker's address, so it
  // is on its way as the worker starts, before the page's thread, busy just after a page
  // has loaded, finds time to send SETUP. (Not in the offline edition.)
  var early = null;
  var named = /^#index=(.+)$/.exec(self.location.hash);
  if (named) {
    var href = new URL(decodeURIComponent(named[1]), self.location.href).href;
    early = { href: href, index: fetchJSON(href) };
    early.index.catch(function () {});  // an error is reported when SETUP asks for it
  }

  // kb.build.search_file.read: the manifest, in the theme's config (offline) or fetched from beside it
  function read(config) {
    var stored = config.kb;
    if (!stored || stored.format !== FORMAT) {
      return Promise.reject(new Error("the search index was written for another version of the search worker"));
    }
    if (!stored.href) { return Promise.resolve({ manifest: stored, base: self.location.href }); }
    var href = new URL(stored.href, self.location.href).href;
    return (early && early.href === href ? early.index : fetchJSON(href)).then(function (manifest) {
      return { manifest: manifest, base: href };
    });
  }

  // kb.tools.search.loaded
  function Search(manifest, base) {
    if (manifest.format !== FORMAT) {
      throw new Error("the search index was written for another version of the search worker");
    }
    var stemmer = lunr.Pipeline.registeredFunctions[manifest.stemmer];
    if (!stemmer) { throw new Error("no stemmer " + manifest.stemmer + " in the search worker"); }
    this.index = new Index(manifest, base);
    this.tokenSet = lunr.TokenSet.fromArray(manifest.terms);
    this.boost = manifest.query;
    this.stopWords = new Set(manifest.stop_words);
    this.stems = new Map();
    this.stemmer = stemmer;
  }

  Search.prototype.stem = function (word) {
    var found = this.stems.get(word);
    if (found === undefined) {
      found = this.stemmer(new lunr.Token(word)).toString();
      this.stems.set(word, found);
    }
    return found;
  };

  // kb.build.search_words.query_words
  Search.prototype.queryWords = function (query) {
    var seen = new Set(), found = [], self = this;
    words(query).forEach(function (word) { if (!seen.has(word)) { seen.add(word); found.push(word); } });
    var useful = found.filter(function (word) { return !self.stopWords.has(word) && word.length > 1; });
    return (useful.length ? useful : found).slice(0, this.boost.most_words);
  };

  // kb.build.search_words.cuts
  Search.prototype.cuts = function (word) {
    var boost = this.boost, found = [], endings = boost.endings;
    var most = Math.min(boost.cut_most, word.length - boost.cut_leaves);
    for (var cut = 1; cut <= most; cut++) {
      if (!endings || endings.indexOf(word.slice(-cut)) >= 0) { found.push(word.slice(0, -cut)); }
    }
    return found;
  };

  // kb.tools.search.clauses (one list per word, for the terms each word matched)
  Search.prototype.clauses = function (query) {
    var boost = this.boost, self = this;
    return this.queryWords(query).map(function (word) {
      var stem = self.stem(word), found = [{ term: stem, boost: boost.exact }], shorter = [];
      self.cuts(word).forEach(function (cut) {
        var short = self.stem(cut);
        if (short !== stem && shorter.indexOf(short) < 0) { shorter.push(short); }
      });
      shorter.forEach(function (short) { found.push({ term: short, boost: boost.cut }); });
      found.push({ term: word, boost: boost.prefix, wildcard: lunr.Query.wildcard.TRAILING });
      if (word.length >= boost.typo_from) { found.push({ term: stem, boost: boost.typo, editDistance: 1 }); }
      return { word: word, clauses: found };
    });
  };

  function rounded(score) { return Math.floor(score * 1e6 + 0.5) / 1e6; }
  function byScoreThenAddress(a, b) {
    return b.score - a.score || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0);
  }

  // kb.tools.search.expand: the numbers of the terms a clause reaches
  Search.prototype.expand = function (clause) {
    var wanted = clause.editDistance ? lunr.TokenSet.fromFuzzyString(clause.term, clause.editDistance)
      : lunr.TokenSet.fromString(clause.term + (clause.wildcard ? "*" : ""));
    var number = this.index.number;
    return this.tokenSet.intersect(wanted).toArray().map(function (term) { return number.get(term); });
  };

  // kb.tools.search._reach
  Search.prototype.reach = function (query) {
    var perWord = this.clauses(query), self = this, reached = [], typos = [], expanded = [];
    perWord.forEach(function (entry) {
      var terms = new Set(), strong = new Set(), typo = new Set();
      entry.clauses.forEach(function (clause) {
        var found = self.expand(clause);
        expanded.push({ clause: clause, terms: found });
        found.forEach(function (term) { terms.add(term); if (!clause.editDistance) { strong.add(term); } });
      });
      terms.forEach(function (term) { if (!strong.has(term)) { typo.add(term); } });
      reached.push(terms);
      typos.push(typo);
    });
    return { perWord: perWord, expanded: expanded, reached: reached, typos: typos };
  };

  // kb.tools.search.only_typos: no word is on a page but as a typo of a short word
  Search.prototype.onlyTypos = function (perWord, reached, typos) {
    var sure = this.boost.typo_sure;
    return perWord.every(function (entry, number) {
      return reached[number].size === typos[number].size && (!reached[number].size || entry.word.length < sure);
    });
  };

  // kb.tools.search.suggestions: the words one letter away, the most widely used first
  Search.prototype.suggest = function (typos) {
    var self = this, numbers = [];
    typos.forEach(function (typo) { typo.forEach(function (number) { numbers.push(number); }); });
    return this.index.postings(numbers).then(function (postings) {
      var shown = new Map(), used = new Map();
      postings.forEach(function (posting, number) {
        if (posting.word === null) { return; }  // words of the site only
        shown.set(number, posting.word || self.index.terms[number]);
        var docs = new Set();
        self.index.fields.forEach(function (field) { posting[field].forEach(function (_, doc) { docs.add(doc); }); });
        used.set(number, docs.size);
      });
      var order = Array.from(shown.keys()).sort(function (a, b) {
        return used.get(b) - used.get(a) || (shown.get(a) < shown.get(b) ? -1 : shown.get(a) > shown.get(b) ? 1 : 0);
      });
      var found = [];
      order.forEach(function (number) { if (found.indexOf(shown.get(number)) < 0) { found.push(shown.get(number)); } });
      return found.slice(0, SUGGESTIONS);
    });
  };

  // kb.tools.search.scores: lunr's score of every entry the clauses reach, with its terms
  Search.prototype.scores = function (expanded) {
    var weight = new Map(), fields = this.index.fields;
    expanded.forEach(function (item) {
      item.terms.forEach(function (number) { weight.set(number, (weight.get(number) || 0) + item.clause.boost); });
    });
    var terms = Array.from(weight.keys()).sort(byNumber), squares = 0;
    terms.forEach(function (number) { squares += weight.get(number) * weight.get(number); });
    var length = Math.sqrt(squares);
    return this.index.postings(terms).then(function (postings) {
      var found = new Map();
      fields.forEach(function (field) {
        var dot = new Map();
        terms.forEach(function (number) {
          var factor = weight.get(number);
          postings.get(number)[field].forEach(function (value, doc) {
            dot.set(doc, (dot.get(doc) || 0) + factor * value);
            var entry = found.get(doc);
            if (entry === undefined) { found.set(doc, entry = { score: 0, matched: new Set() }); }
            entry.matched.add(number);
          });
        });
        dot.forEach(function (value, doc) { found.get(doc).score += value / length; });
      });
      return found;
    });
  };

  // kb.tools.search.ranked: every page that matches, best first
  Search.prototype.ranked = function (reach) {
    var self = this, perWord = reach.perWord, reached = reach.reached;
    return this.scores(reach.expanded).then(function (found) {
      var pages = new Map();
      found.forEach(function (entry, doc) {
        var has = 0, factor = 1, terms = {};
        perWord.forEach(function (word, number) {
          terms[word.word] = Array.from(entry.matched).some(function (term) { return reached[number].has(term); });
          if (terms[word.word]) { has++; }
        });
        var share = has / perWord.length;
        for (var times = 0; times < self.boost.all_words; times++) { factor *= share; }
        var page = self.index.pageOf(doc);
        if (!pages.has(page)) { pages.set(page, []); }
        pages.get(page).push({ doc: doc, score: rounded(entry.score * factor), terms: terms, matched: entry.matched });
      });
      var groups = [];
      pages.forEach(function (entries, page) {
        entries.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        groups.push({ page: page, score: entries[0].score, entries: entries });
      });
      return groups.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    });
  };

  // The theme's result: one group per page, best first, for the best LIMIT pages, and how
  // many pages match in all (assets/kb-search.js shows that count)
  Search.prototype.search = function (query) {
    var self = this, reach = this.reach(query);
    if (!reach.perWord.length) { return Promise.resolve({ items: [] }); }
    if (this.onlyTypos(reach.perWord, reach.reached, reach.typos)) {
      return this.suggest(reach.typos).then(function (found) { return { items: [], kb_suggestions: found }; });
    }
    return this.ranked(reach).then(function (groups) {
      var shown = groups.slice(0, LIMIT), numbers = [];
      shown.forEach(function (group) {
        numbers.push(group.page);
        group.entries.forEach(function (entry) { numbers.push(entry.doc); });
      });
      return self.index.docs(numbers).then(function (docs) {
        var prefixes = reach.perWord.map(function (entry) { return entry.word; });
        return {
          kb_total: groups.length,
          items: shown.map(function (group, rank) {
            var article = docs.get(group.page), page = article.location.split("#")[0];
            var entries = group.entries.map(function (entry) {
              var doc = docs.get(entry.doc);
              return { location: doc.location, title: doc.title, text: doc.text, score: entry.score,
                terms: entry.terms, matched: entry.matched };
            });
            if (article.location === page && group.entries.every(function (entry) { return entry.doc !== group.page; })) {
              // the theme shows each page's own entry first, found or not; its link carries
              // the words its best section has, so that it never ends in an empty ?h=
              entries.push({ location: page, title: article.title, text: article.text, score: 0,
                terms: entries[0].terms, matched: new Set() });
            }
            return entries.map(function (entry) {
              if (rank < MARKED) {
                var marked = new Set();
                entry.matched.forEach(function (number) { marked.add(self.index.terms[number]); });
                entry.title = self.mark(entry.title, marked, prefixes);
                entry.text = self.mark(entry.text, marked, prefixes);
              }
              delete entry.matched;
              return entry;
            });
          })
        };
      });
    });
  };

  // <mark> around the words of a title or teaser that the query found (display only)
  Search.prototype.mark = function (html, terms, prefixes) {
    var self = this;
    return html.replace(/(<[^>]*>|&[#\w]+;)|[\p{L}\p{N}]+/gu, function (text, skip) {
      if (skip) { return text; }
      var word = text.normalize("NFC").toLowerCase();
      var found = terms.has(self.stem(word)) || prefixes.some(function (prefix) { return word.startsWith(prefix); });
      return found ? "<mark>" + text + "</mark>" : text;
    });
  };

  // The theme sends queries only once the worker is READY. It is said at once, and the
  // manifest is loaded meanwhile: a query that comes before it is answered when it is there,
  // so that the page's own thread, often busy just after the page has loaded, need not
  // be free twice (to hear READY and to send the query) before the first answer. A query
  // fetches the shards it reads; an answer is sent only if no newer query came meanwhile:
  // the theme shows every answer it gets under what the box holds now, so an older one
  // (the empty query the theme sends on READY) would show "no matching documents" for
  // words the reader has already typed.
  var loaded = null, asked = 0;
  addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      loaded = read(message.data.config).then(function (stored) {
        return new Search(stored.manifest, stored.base);
      }).catch(function (error) {
        console.warn("Search is not available: " + error.message);
        return null;
      });
      postMessage({ type: READY });
    } else if (message.type === QUERY) {
      var number = ++asked;
      (loaded || Promise.resolve(null)).then(function (search) {
        if (number !== asked) { return null; }  // a newer query came while the manifest loaded
        return search ? search.search(message.data) : { items: [] };
      }).catch(function (error) {
        console.warn("Search failed for '" + message.data + "': " + error.message);
        return { items: [] };
      }).then(function (result) {
        if (result === null || number !== asked) { return; }  // a newer query came meanwhile
        // the text it answers: the page shows an answer only while the box holds that text
        // (assets/kb-search-hook.js)
        result.query = message.data;
        postMessage({ type: RESULT, data: result });
      });
    }
  });
})();
