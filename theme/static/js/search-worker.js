/* papershelf search worker: answers queries off the main thread with lunr.js
   2.3.9, fetching only the parts of the index a query needs.

   The index is cut by term into shards (plugins/papershelf/search/index.py):
   for each query, the worker fetches the shards its terms fall into (and,
   for a word being typed, the words that start with it), builds a small
   lunr.Index of those terms alone and calls lunr.Index.query on it. Its
   scores are those of the whole index: lunr scores a field by the query's
   terms' weights, and the shards hold each term's weights as lunr's Builder
   computes them. normalise and trim mirror search/text.py: change them
   together (tests compare both). */
"use strict";
/* In a worker, lunr comes from the file beside this one; a page or a node
   script that loads both files gets the same functions as globals. */
if (typeof lunr === "undefined") importScripts("lunr.min.js");

var SPACES = /[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
var CJK = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])/g;
var MARKS = /[\p{Mn}\p{Me}\p{Cf}]/gu;
var EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
var SEPARATORS = /[ \-]+/;
var PREFIX_MIN = 3; /* a shorter word being typed is matched whole */
var EXPANSIONS = 12; /* terms a word being typed stands for, the most common first */
var SNIPPET_WORDS = 32;
var ALIASES = { author: "authors", tag: "tags", note: "notes", id: "arxiv" };
var NAMES = "authors"; /* the field whose stop words are indexed ("He", "An") */

function normalise(text) {
  return text.normalize("NFKD").replace(MARKS, "").replace(SPACES, " ")
    .replace(CJK, " $1 ").toLowerCase();
}

function trim(word) {
  return word.replace(EDGES, "");
}

function words(text) {
  return normalise(text).split(SEPARATORS).map(trim).filter(Boolean);
}

function stem(word) {
  return lunr.stemmer(new lunr.Token(word)).toString();
}

function isStopWord(word) {
  return lunr.stopWordFilter(new lunr.Token(word)) === undefined;
}

/* JavaScript's `<` on strings is the order of the shards. */
function shardOf(firsts, key) {
  var low = 0, high = firsts.length - 1;
  while (low < high) {
    var middle = (low + high + 1) >> 1;
    if (firsts[middle] <= key) low = middle; else high = middle - 1;
  }
  return low;
}

/* A query as lunr's syntax writes it: +word (required), -word (left out),
   field:word, word* (a prefix) and word^2 (a boost); other words are
   required. The last word is a prefix while it is being typed. Each piece
   gives one clause per word it holds ("self-training": two). */
function parse(text, fields) {
  var pieces = text.split(/\s+/).filter(Boolean);
  var typing = text.length > 0 && !/\s$/.test(text);
  var clauses = [];
  pieces.forEach(function (piece, n) {
    var clause = { presence: lunr.Query.presence.REQUIRED, boost: 1, fields: null, prefix: false };
    if (piece.length > 1 && (piece[0] === "+" || piece[0] === "-")) {
      if (piece[0] === "-") clause.presence = lunr.Query.presence.PROHIBITED;
      piece = piece.slice(1);
    }
    var field = /^([a-z]+):(.+)$/i.exec(piece);
    if (field) {
      var name = ALIASES[field[1].toLowerCase()] || field[1].toLowerCase();
      if (fields.indexOf(name) >= 0) { clause.fields = [name]; piece = field[2]; }
    }
    var boost = /\^(\d+)$/.exec(piece);
    if (boost) { clause.boost = Math.max(1, +boost[1]); piece = piece.slice(0, boost.index); }
    if (/\*$/.test(piece)) { clause.prefix = true; piece = piece.replace(/\*+$/, ""); }
    var found = words(piece);
    found.forEach(function (word, i) {
      var last = n === pieces.length - 1 && i === found.length - 1;
      var prefix = clause.prefix && i === found.length - 1 ||
        typing && last && clause.presence !== lunr.Query.presence.PROHIBITED;
      clauses.push({
        word: word, presence: clause.presence, boost: clause.boost, fields: clause.fields,
        prefix: prefix && word.length >= PREFIX_MIN && /\p{L}/u.test(word)
      });
    });
  });
  /* A stop word is indexed in names only: there it is one more way to rank,
     not a word every result must have. */
  clauses.forEach(function (clause) {
    if (!clause.prefix && isStopWord(clause.word)) {
      clause.fields = [NAMES];
      if (clause.presence === lunr.Query.presence.REQUIRED) clause.presence = lunr.Query.presence.OPTIONAL;
    }
  });
  return clauses;
}

/* Shards as the worker keeps them: each key's numbers found by a first pass. */
function readShard(data, perKey) {
  var keys = data.keys, numbers = data.numbers, starts = new Array(keys.length + 1), at = 0;
  for (var k = 0; k < keys.length; k++) {
    starts[k] = at;
    at = perKey(numbers, at);
  }
  starts[keys.length] = at;
  var byKey = new Map();
  keys.forEach(function (key, k) { byKey.set(key, k); });
  return { keys: keys, numbers: numbers, starts: starts, byKey: byKey };
}

function termEnd(numbers, at) {
  var fields = numbers[at + 1];
  at += 2;
  for (var f = 0; f < fields; f++) at += 2 + 2 * numbers[at + 1];
  return at;
}

function wordEnd(numbers, at) {
  return at + 2;
}

/* The files of one built site, each fetched once. `fetchJSON(url)` gives a
   promise of the parsed file; a failed fetch is tried again next time. */
function Store(manifestUrl, fetchJSON) {
  this.url = manifestUrl;
  this.fetchJSON = fetchJSON;
  this.files = new Map();
  this.manifest = null;
}

Store.prototype.get = function (name, read) {
  var files = this.files;
  if (!files.has(name)) {
    var url = name ? new URL(name, this.url).href : this.url;
    files.set(name, this.fetchJSON(url).then(read || function (data) { return data; }, function (error) {
      files.delete(name);
      throw error;
    }));
  }
  return files.get(name);
};

Store.prototype.load = function () {
  var store = this;
  return this.get("").then(function (manifest) {
    if (manifest.format !== "papershelf-shards-1") throw new Error("not a papershelf search index");
    store.manifest = manifest;
    return manifest;
  });
};

Store.prototype.termShard = function (term) {
  var n = shardOf(this.manifest.terms, term);
  return this.get("terms/" + n + ".json", function (data) { return readShard(data, termEnd); });
};

Store.prototype.wordShards = function (prefix) {
  /* Every shard that may hold a word starting with the prefix. */
  var words = this.manifest.words, first = shardOf(words, prefix), shards = [];
  for (var n = first; n < words.length && (n === first || words[n] < prefix + "\uffff"); n++) {
    shards.push(this.get("words/" + n + ".json", function (data) { return readShard(data, wordEnd); }));
  }
  return Promise.all(shards);
};

Store.prototype.papers = function (refs) {
  var size = this.manifest.papersPerBlock, store = this, blocks = {};
  refs.forEach(function (ref) { blocks[Math.floor(ref / size)] = true; });
  var numbers = Object.keys(blocks);
  return Promise.all(numbers.map(function (n) { return store.get("papers/" + n + ".json"); }))
    .then(function (lists) {
      numbers.forEach(function (n, i) { blocks[n] = lists[i]; });
      return refs.map(function (ref) { return blocks[Math.floor(ref / size)][ref % size]; });
    });
};

/* The terms a word being typed stands for: its own term, then the terms of
   the words that start with it, those in most fields first. */
function expand(shards, prefix) {
  var found = new Map();
  shards.forEach(function (shard) {
    var keys = shard.keys, numbers = shard.numbers;
    for (var k = 0; k < keys.length; k++) {
      var word = keys[k];
      if (word.slice(0, prefix.length) !== prefix) continue;
      var spelled = numbers[2 * k], term = typeof spelled === "number" ? word.slice(0, spelled) : spelled;
      found.set(term, numbers[2 * k + 1]);
    }
  });
  var own = stem(prefix);
  var ranked = Array.from(found.keys()).filter(function (term) { return term !== own; });
  ranked.sort(function (a, b) { return found.get(b) - found.get(a) || (a < b ? -1 : a > b ? 1 : 0); });
  return [own].concat(ranked.slice(0, EXPANSIONS - 1));
}

/* The clauses with their terms: lunr.Query clauses, each standing for one
   term or, for a word being typed, any of several. */
function plan(store, text) {
  var clauses = parse(text, Object.keys(store.manifest.fields));
  return Promise.all(clauses.map(function (clause) {
    if (!clause.prefix) return [stem(clause.word)];
    return store.wordShards(clause.word).then(function (shards) { return expand(shards, clause.word); });
  })).then(function (terms) {
    clauses.forEach(function (clause, i) { clause.terms = terms[i]; });
    return clauses;
  });
}

/* A lunr pipeline step for one clause that stands for several terms: lunr
   requires one of a clause's terms, and scores each term found. */
function alternatives(token) {
  return token.toString().split(" ").map(function (term) { return new lunr.Token(term); });
}
lunr.Pipeline.registerFunction(alternatives, "papershelfAlternatives");

/* lunr answers a query of left-out words alone with every paper: here, with none. */
function query(index, clauses) {
  var wanted = clauses.some(function (c) { return c.presence !== lunr.Query.presence.PROHIBITED; });
  if (!wanted) return [];
  return index.query(function (q) {
    clauses.forEach(function (clause) {
      var options = { usePipeline: true, presence: clause.presence, boost: clause.boost };
      if (clause.fields) options.fields = clause.fields;
      q.term(clause.terms.join(" "), options);
    });
  });
}

/* A lunr.Index of the clauses' terms alone, from their shards. */
function smallIndex(store, clauses) {
  var terms = [];
  clauses.forEach(function (clause) { terms = terms.concat(clause.terms); });
  terms = Array.from(new Set(terms));
  return Promise.all(terms.map(function (term) { return store.termShard(term); })).then(function (shards) {
    var fields = Object.keys(store.manifest.fields), inverted = Object.create(null), elements = {};
    var present = [];
    terms.forEach(function (term, i) {
      var shard = shards[i], k = shard.byKey.get(term);
      if (k === undefined) return;
      present.push(term);
      var numbers = shard.numbers, at = shard.starts[k], number = numbers[at];
      var posting = { _index: number };
      fields.forEach(function (field) { posting[field] = Object.create(null); });
      var count = numbers[at + 1];
      at += 2;
      for (var f = 0; f < count; f++) {
        var field = fields[numbers[at]], papers = numbers[at + 1], ref = 0;
        at += 2;
        for (var p = 0; p < papers; p++, at += 2) {
          ref += numbers[at];
          posting[field][ref] = {};
          var fieldRef = field + "/" + ref;
          (elements[fieldRef] || (elements[fieldRef] = [])).push(number, numbers[at + 1] / 1000);
        }
      }
      inverted[term] = posting;
    });
    /* lunr requires one of a clause's terms: a term the index does not
       have would leave none. A clause none of whose terms is there keeps
       its first, and matches nothing. */
    clauses.forEach(function (clause) {
      var kept = clause.terms.filter(function (term) { return term in inverted; });
      clause.terms = kept.length ? kept : clause.terms.slice(0, 1);
    });
    var vectors = Object.create(null);
    Object.keys(elements).forEach(function (fieldRef) {
      var list = elements[fieldRef];
      if (list.length > 2) list = sortedPairs(list);
      vectors[fieldRef] = new lunr.Vector(list);
    });
    present.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    var pipeline = new lunr.Pipeline();
    pipeline.add(alternatives);
    return new lunr.Index({
      invertedIndex: inverted, fieldVectors: vectors, tokenSet: lunr.TokenSet.fromArray(present),
      fields: fields, pipeline: pipeline
    });
  });
}

function sortedPairs(list) {
  var pairs = [];
  for (var i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  pairs.sort(function (a, b) { return a[0] - b[0]; });
  return [].concat.apply([], pairs);
}

/* Text split into [text, matched] pieces, for highlighting without HTML. */
function segments(text, matched) {
  return text.split(/([\s\-]+)/).filter(Boolean).map(function (piece) {
    var word = trim(normalise(piece));
    return [piece, word.length > 0 && matched.has(stem(word))];
  }).reduce(joinPieces, []);
}

function joinPieces(out, piece) {
  var last = out[out.length - 1];
  if (last && last[1] === piece[1]) last[0] += piece[0]; else out.push(piece);
  return out;
}

/* The passage of an abstract with the most matched words, about
   SNIPPET_WORDS words, with an ellipsis where it was cut. */
function snippet(text, matched) {
  var pieces = text.split(/(\s+)/).filter(Boolean), spans = [];
  pieces.forEach(function (piece, i) {
    if (/^\s/.test(piece)) return;
    var hit = piece.split("-").some(function (part) {
      var word = trim(normalise(part));
      return word.length > 0 && matched.has(stem(word));
    });
    spans.push({ at: i, hit: hit });
  });
  var best = 0, bestHits = -1, hits = 0;
  for (var i = 0; i < spans.length; i++) {
    hits += spans[i].hit ? 1 : 0;
    if (i >= SNIPPET_WORDS) hits -= spans[i - SNIPPET_WORDS].hit ? 1 : 0;
    var start = Math.max(0, i - SNIPPET_WORDS + 1);
    if (hits > bestHits) { bestHits = hits; best = start; }
  }
  if (!spans.length) return [];
  /* A little context before the first match of the passage. */
  var firstHit = best;
  while (firstHit < spans.length && !spans[firstHit].hit) firstHit += 1;
  if (firstHit < spans.length && firstHit - best > 4) best = Math.min(firstHit - 4, Math.max(0, spans.length - SNIPPET_WORDS));
  var end = Math.min(spans.length, best + SNIPPET_WORDS);
  var from = spans[best].at, to = spans[end - 1].at + 1;
  var out = segments(pieces.slice(from, to).join(""), matched);
  if (from > 0) out.unshift(["… ", false]);
  if (to < pieces.length) out.push([" …", false]);
  return out.reduce(joinPieces, []);
}

/* The year of a ref: papers are newest first, a year a run of refs. */
function yearOf(years, ref) {
  var low = 0, high = years.length - 1;
  while (low < high) {
    var middle = (low + high + 1) >> 1;
    if (years[middle][1] <= ref) low = middle; else high = middle - 1;
  }
  return String(years[low][0]);
}

function tagLists(store) {
  return store.get("tags.json", function (lists) {
    return lists.map(function (differences) {
      var refs = new Set(), ref = 0;
      differences.forEach(function (d) { ref += d; refs.add(ref); });
      return refs;
    });
  });
}

/* Everything a query's results show, for the first `limit` results:
   `current()` says whether the query is still the one being answered. */
function answer(store, message, current) {
  var manifest, clauses, matches, tags = null;
  return store.load().then(function (loaded) {
    manifest = loaded;
    return plan(store, message.text);
  }).then(function (planned) {
    clauses = planned;
    if (!current()) return null;
    var wanted = [smallIndex(store, clauses)];
    if (message.tags || message.tag) wanted.push(tagLists(store));
    return Promise.all(wanted);
  }).then(function (found) {
    if (!found || !current()) return null;
    tags = found[1] || null;
    matches = query(found[0], clauses);
    var tagNumber = manifest.tags.map(function (tag) { return tag[0]; }).indexOf(message.tag);
    var years = {}, tagCounts = tags ? {} : null, kept = [];
    matches.forEach(function (match) {
      var ref = +match.ref, year = yearOf(manifest.years, ref);
      years[year] = (years[year] || 0) + 1;
      if (tags) {
        tags.forEach(function (refs, n) {
          if (refs.has(ref)) tagCounts[manifest.tags[n][0]] = (tagCounts[manifest.tags[n][0]] || 0) + 1;
        });
      }
      var tagged = !message.tag || (tags && tagNumber >= 0 && tags[tagNumber].has(ref));
      if (tagged && (!message.year || year === message.year)) kept.push(match);
    });
    var shown = kept.slice(0, message.limit || 10);
    return store.papers(shown.map(function (match) { return +match.ref; })).then(function (papers) {
      if (!current()) return null;
      var results = shown.map(function (match, i) {
        var paper = papers[i], matched = new Set(Object.keys(match.matchData.metadata));
        return {
          ref: match.ref, score: match.score, url: paper[0], title: segments(paper[1], matched),
          date: paper[2], dateLabel: paper[3],
          tags: paper[4].map(function (n) { return manifest.tags[n]; }),
          upvotes: paper[5], authors: paper[6], authorsCount: paper[7],
          snippet: snippet(paper[8], matched)
        };
      });
      return {
        type: "results", id: message.id, text: message.text, matched: matches.length,
        total: kept.length, results: results, years: years, tags: tagCounts,
        tagNames: manifest.tags.map(function (tag) { return tag[0]; })
      };
    });
  });
}

var latest = 0, worker = null;

function onMessage(event) {
  var message = event.data;
  if (!worker) {
    worker = new Store(message.urls.index, function (url) {
      return fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    });
  }
  if (message.type !== "query") { worker.load().catch(function () {}); return; }
  latest = message.id;
  /* A newer query supersedes this one: it stops at its next step. */
  answer(worker, message, function () { return message.id === latest; }).then(function (reply) {
    if (reply) self.postMessage(reply);
  }).catch(function (error) {
    if (message.id === latest) {
      self.postMessage({ type: "error", id: message.id, message: String(error && error.message || error) });
    }
  });
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = onMessage;
}
if (typeof module !== "undefined") {
  module.exports = {
    normalise: normalise, words: words, stem: stem, parse: parse, plan: plan, query: query,
    smallIndex: smallIndex, answer: answer, snippet: snippet, segments: segments, Store: Store,
    alternatives: alternatives, expand: expand
  };
}
