// The site's search worker. The build puts lunr.js and lunr-languages (pinned in
// package-lock.json) in front of this file (kb.build.search_worker). It answers the
// theme's search box in the theme's worker messages (SETUP -> READY, QUERY -> RESULT):
// the config the theme's page script hands over names the index the build made once with
// lunr.py (kb.build.search_file), which this fetches and loads with lunr.Index.load. Every
// step below mirrors one in kb.build.search_words, kb.build.search_file and
// kb.tools.search, which `kb search` runs: tests/browser/test_search_agreement.py checks
// that both rank the same pages.
(function () {
  "use strict";
  var FORMAT = 2;  // kb.build.search_file.FORMAT
  var SCALE = 1000;  // kb.build.search_file.SCALE
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // the theme's SearchMessageType
  var MARKED = 50;  // the pages whose found words are marked: the box shows 10, then 4 more at a time
  var SUGGESTIONS = 3;  // kb.tools.search.SUGGESTIONS
  var SEPARATOR = /[^\p{L}\p{N}]+/u;
  var ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;

  // kb.build.search_words.words
  function words(text) {
    return text.normalize("NFC").toLowerCase().replace(ASTRAL, "").split(SEPARATOR).filter(Boolean);
  }

  // The index kb.build.search_file.expand makes for `kb search` (and lunr.Index.load from
  // it), made so that a first query does not wait for work it does not need. One pass
  // over the stored vectors notes which documents hold each term; a term's entries in the
  // inverted index (its posting) are put together for a field only when a query first
  // reads them, and a document's vector for a field (lunr.Vector) only when a query first
  // scores that document, out of the hundreds of thousands of numbers in the file.
  function load(stored) {
    var fields = stored.fields, terms = stored.terms, docsOf = {}, none = {};  // no metadata: lunr only reads it
    fields.forEach(function (name) {
      var byTerm = docsOf[name] = new Array(terms.length);
      stored.vectors[name].forEach(function (flat, doc) {
        for (var at = 0, number = 0; at < flat.length; at += 2) {
          number += flat[at];
          (byTerm[number] || (byTerm[number] = [])).push(doc);
        }
      });
    });
    function Posting(number) { this._index = number; }
    fields.forEach(function (name) {
      Object.defineProperty(Posting.prototype, name, {
        get: function () {
          var entries = {}, docs = docsOf[name][this._index] || [];
          for (var i = 0; i < docs.length; i++) { entries[docs[i]] = none; }
          Object.defineProperty(this, name, { value: entries });
          return entries;
        }
      });
    });
    var invertedIndex = Object.create(null);
    terms.forEach(function (term, number) { invertedIndex[term] = new Posting(number); });
    var made = new Map();
    var fieldVectors = new Proxy({}, {
      get: function (_, ref) {  // "field/doc", as lunr.FieldRef writes it
        if (typeof ref !== "string" || ref.indexOf("/") < 0) { return undefined; }  // not a field's vector
        var vector = made.get(ref);
        if (vector === undefined) {
          var cut = ref.indexOf("/"), name = ref.slice(0, cut), table = stored.weights[name];
          var flat = stored.vectors[name][Number(ref.slice(cut + 1))], elements = new Array(flat.length);
          for (var at = 0, number = 0; at < flat.length; at += 2) {
            number += flat[at];
            elements[at] = number;
            elements[at + 1] = table[number][flat[at + 1]] / SCALE;
          }
          vector = new lunr.Vector(elements);
          made.set(ref, vector);
        }
        return vector;
      }
    });
    return new lunr.Index({
      fields: fields, fieldVectors: fieldVectors, invertedIndex: invertedIndex, pipeline: new lunr.Pipeline(),
      tokenSet: lunr.TokenSet.fromArray(Object.keys(invertedIndex).sort())
    });
  }

  // kb.build.search_file.unpack_docs
  function unpackDocs(packed) {
    var page = "";
    return packed.map(function (entry) {
      var location = entry[0].charAt(0) === "#" ? page + entry[0] : entry[0];
      page = location.split("#")[0];
      return { location: location, title: entry[1], text: entry[2] };
    });
  }

  function fetchIndex(href) {
    return fetch(new URL(href, self.location.href)).then(function (response) {
      if (!response.ok) { throw new Error(href + ": " + response.status); }
      return response.json();
    });
  }

  // The page names its language's index after "#index=" in the worker's address, so the
  // index is on its way as the worker starts, before the page's thread, busy just after a
  // page has loaded, finds time to send SETUP. (Not in the offline edition.)
  var early = null;
  var named = /^#index=(.+)$/.exec(self.location.hash);
  if (named) {
    early = { href: decodeURIComponent(named[1]), index: fetchIndex(decodeURIComponent(named[1])) };
    early.index.catch(function () {});  // an error is reported when SETUP asks for it
  }

  // kb.build.search_file.read: the index, in the theme's config (offline) or fetched from beside it
  function read(config) {
    var stored = config.kb;
    if (!stored || stored.format !== FORMAT) {
      return Promise.reject(new Error("the search index was written for another version of the search worker"));
    }
    if (!stored.href) { return Promise.resolve(stored); }
    return early && early.href === stored.href ? early.index : fetchIndex(stored.href);
  }

  function Search(stored) {
    if (stored.format !== FORMAT) {
      throw new Error("the search index was written for another version of the search worker");
    }
    var stemmer = lunr.Pipeline.registeredFunctions[stored.stemmer];
    if (!stemmer) { throw new Error("no stemmer " + stored.stemmer + " in the search worker"); }
    this.docs = unpackDocs(stored.docs);
    this.words = new Map();  // a term -> the word of the site it stands for (for "Did you mean")
    stored.terms.forEach(function (term, number) {
      var word = stored.words[number];
      if (word !== null) { this.words.set(term, word || term); }
    }, this);
    this.articles = new Map();  // a page's own entry (no #), by its address
    this.docs.forEach(function (doc) {
      if (doc.location.indexOf("#") < 0) { this.articles.set(doc.location, doc); }
    }, this);
    this.boost = stored.query;
    this.stopWords = new Set(stored.stop_words);
    this.stems = new Map();
    this.stemmer = stemmer;
    this.index = load(stored);
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

  // kb.tools.search.only_typos: no word is on a page but as a typo of a short word
  Search.prototype.onlyTypos = function (perWord, reached, typos) {
    var sure = this.boost.typo_sure;
    return perWord.every(function (entry, number) {
      return reached[number].size === typos[number].size && (!reached[number].size || entry.word.length < sure);
    });
  };

  // kb.tools.search.suggestions: the words one letter away, the most widely used first
  Search.prototype.suggest = function (typos) {
    var self = this, terms = new Set(), used = new Map();
    typos.forEach(function (typo) { typo.forEach(function (term) { if (self.words.has(term)) { terms.add(term); } }); });
    terms.forEach(function (term) {
      var docs = new Set(), posting = self.index.invertedIndex[term];
      self.index.fields.forEach(function (field) { Object.keys(posting[field]).forEach(function (ref) { docs.add(ref); }); });
      used.set(term, docs.size);
    });
    var shown = function (term) { return self.words.get(term); };
    var order = Array.from(terms).sort(function (a, b) {
      return used.get(b) - used.get(a) || (shown(a) < shown(b) ? -1 : shown(a) > shown(b) ? 1 : 0);
    });
    var found = [];
    order.forEach(function (term) { if (found.indexOf(shown(term)) < 0) { found.push(shown(term)); } });
    return found.slice(0, SUGGESTIONS);
  };

  // kb.tools.search.ranked, and the theme's result: one group per page, best first
  Search.prototype.search = function (query) {
    var perWord = this.clauses(query), self = this;
    if (!perWord.length) { return { items: [] }; }
    var built = null;
    var results = this.index.query(function (q) {
      perWord.forEach(function (entry) {
        entry.clauses.forEach(function (clause) {
          var options = { usePipeline: false, boost: clause.boost,
            wildcard: clause.wildcard || lunr.Query.wildcard.NONE };
          // lunr.js treats a clause with any editDistance, even 0, as fuzzy
          if (clause.editDistance) { options.editDistance = clause.editDistance; }
          q.term(clause.term, options);
        });
      });
      built = q;
    });
    // which index terms each word reached, to show which words a result lacks and to mark the found ones
    var reached = [], typos = [], at = 0;
    perWord.forEach(function (entry) {
      var terms = new Set(), strong = new Set(), typo = new Set();
      entry.clauses.forEach(function (clause) {
        self.index.tokenSet.intersect(lunr.TokenSet.fromClause(built.clauses[at++])).toArray()
          .forEach(function (term) { terms.add(term); if (!clause.editDistance) { strong.add(term); } });
      });
      terms.forEach(function (term) { if (!strong.has(term)) { typo.add(term); } });
      reached.push(terms);
      typos.push(typo);
    });
    if (this.onlyTypos(perWord, reached, typos)) { return { items: [], kb_suggestions: this.suggest(typos) }; }
    var pages = new Map();
    results.forEach(function (result) {
      var doc = self.docs[Number(result.ref)], page = doc.location.split("#")[0];
      var matched = Object.keys(result.matchData.metadata), terms = {}, has = 0, factor = 1;
      perWord.forEach(function (entry, number) {
        terms[entry.word] = matched.some(function (term) { return reached[number].has(term); });
        if (terms[entry.word]) { has++; }
      });
      var share = has / perWord.length;
      for (var times = 0; times < self.boost.all_words; times++) { factor *= share; }
      if (!pages.has(page)) { pages.set(page, []); }
      pages.get(page).push({ location: doc.location, title: doc.title, text: doc.text,
        score: rounded(result.score * factor), terms: terms, matched: matched });
    });
    var groups = [];
    pages.forEach(function (entries, page) {
      entries.sort(byScoreThenAddress);
      if (!entries.some(function (entry) { return entry.location === page; })) {
        var article = self.articles.get(page);
        if (article) {  // the theme shows each page's own entry first, found or not; its link
          // carries the words its best section has, so that it never ends in an empty ?h=
          entries.push({ location: page, title: article.title, text: article.text, score: 0,
            terms: entries[0].terms, matched: [] });
        }
      }
      groups.push({ location: page, score: entries[0].score, entries: entries });
    });
    groups.sort(byScoreThenAddress);
    var prefixes = perWord.map(function (entry) { return entry.word; });
    return {
      items: groups.map(function (group, rank) {
        return group.entries.map(function (entry) {
          if (rank < MARKED) {
            var marked = new Set(entry.matched);
            entry.title = self.mark(entry.title, marked, prefixes);
            entry.text = self.mark(entry.text, marked, prefixes);
          }
          delete entry.matched;
          return entry;
        });
      })
    };
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
  // index is loaded meanwhile: a query that comes before it is answered when it is there,
  // so that the page's own thread, often busy just after the page has loaded, need not
  // be free twice (to hear READY and to send the query) before the first answer. Of the
  // queries that wait, only the last is answered: the theme shows every answer it gets
  // under what the box holds now, so an older one (the empty query the theme sends on
  // READY) would show "no matching documents" for words the reader has already typed.
  // Once the index is there, each query is answered before the next message is read.
  var loaded = null, asked = 0;
  addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      loaded = read(message.data.config).then(function (stored) {
        return new Search(stored);
      }).catch(function (error) {
        console.warn("Search is not available: " + error.message);
        return null;
      });
      postMessage({ type: READY });
    } else if (message.type === QUERY) {
      var number = ++asked;
      (loaded || Promise.resolve(null)).then(function (search) {
        if (number !== asked) { return; }  // a newer query came while the index loaded
        var result = { items: [] };
        try {
          if (search) { result = search.search(message.data); }
        } catch (error) {
          console.warn("Search failed for '" + message.data + "': " + error.message);
        }
        // the text it answers: the page shows an answer only while the box holds that text
        // (assets/kb-search-hook.js)
        result.query = message.data;
        postMessage({ type: RESULT, data: result });
      });
    }
  });
})();
