/* papershelf search worker: answers queries off the main thread, with
   lunr.js 2.3.9's text pipeline, query semantics and scores, fetching only
   the parts of the index a query needs.

   The index is cut by term into shards (pelican/plugins/papershelf/search/index.py):
   for each query, the worker fetches the shards its terms fall into (and,
   for a word being typed, the words that start with it), ranks the papers
   with those terms as lunr.Index.query ranks them over the whole index
   (`score`: the shards hold each term's weights as lunr's Builder computes
   them), then fetches the blocks that hold the results shown. normalise and
   words mirror search/text.py: change them together (tests compare both). */
"use strict";
/* The page names the index's manifest after "#" in this script's address:
   it is fetched while lunr loads. */
var early = null;
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope && location.hash) {
  early = { url: decodeURIComponent(location.hash.slice(1)) };
  early.response = fetch(early.url);
  early.response.catch(function () { /* answered when the manifest is asked for */ });
}
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

var STEMS = new Map(); /* word -> term: results' titles and abstracts repeat words */

function stem(word) {
  var found = STEMS.get(word);
  if (found === undefined) {
    if (STEMS.size > 100000) STEMS.clear();
    found = lunr.stemmer(new lunr.Token(word)).toString();
    STEMS.set(word, found);
  }
  return found;
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
   required. An edit distance (word~1) is not searched for: the word is
   matched as written. The last word is a prefix while it is being typed.
   Each piece gives one clause per word it holds ("self-training": two).
   A word being typed that is too short to be a prefix ("language m") is not
   a word yet: it ranks the results and excludes none until the query is
   `done` (submitted, or read from the page's address). */
function parse(text, fields, done) {
  var pieces = text.split(/\s+/).filter(Boolean);
  var typing = text.length > 0 && !/\s$/.test(text);
  var clauses = [];
  pieces.forEach(function (piece, n) {
    var clause = { presence: lunr.Query.presence.REQUIRED, boost: 1, fields: null, prefix: false };
    var sign = piece.length > 1 && (piece[0] === "+" || piece[0] === "-") ? piece[0] : "";
    if (sign === "-") clause.presence = lunr.Query.presence.PROHIBITED;
    piece = piece.slice(sign.length);
    var field = /^([a-z]+):(.+)$/i.exec(piece);
    if (field) {
      var name = ALIASES[field[1].toLowerCase()] || field[1].toLowerCase();
      if (fields.indexOf(name) >= 0) { clause.fields = [name]; piece = field[2]; }
    }
    piece = piece.replace(/~\d*$/, "");
    var boost = /\^(\d+)$/.exec(piece);
    if (boost) { clause.boost = Math.max(1, +boost[1]); piece = piece.slice(0, boost.index); }
    piece = piece.replace(/~\d*$/, "");
    if (/\*$/.test(piece)) { clause.prefix = true; piece = piece.replace(/\*+$/, ""); }
    var found = words(piece);
    found.forEach(function (word, i) {
      var last = n === pieces.length - 1 && i === found.length - 1;
      var typed = typing && last && clause.presence !== lunr.Query.presence.PROHIBITED;
      var prefix = (clause.prefix && i === found.length - 1 || typed) &&
        word.length >= PREFIX_MIN && /\p{L}/u.test(word);
      var unfinished = typed && !done && word.length < PREFIX_MIN && sign !== "+";
      clauses.push({
        word: word, presence: unfinished ? lunr.Query.presence.OPTIONAL : clause.presence,
        boost: clause.boost, fields: clause.fields, prefix: prefix, required: sign === "+"
      });
    });
  });
  /* A stop word is indexed in names only: there it is one more way to rank,
     not a word every result must have. Being typed, it may be the start of
     another word ("can", "cancer"): those rank too, and exclude nothing. */
  clauses.forEach(function (clause) {
    if (!isStopWord(clause.word)) return;
    if (!clause.prefix) clause.fields = [NAMES];
    if (clause.presence === lunr.Query.presence.REQUIRED && !clause.required) {
      clause.presence = lunr.Query.presence.OPTIONAL;
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

var NO_KEYS = readShard({ keys: [], numbers: [] }, termEnd); /* an archive without papers */

Store.prototype.termShard = function (term) {
  if (!this.manifest.terms.length) return Promise.resolve(NO_KEYS);
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
function plan(store, text, done) {
  var clauses = parse(text, Object.keys(store.manifest.fields), done);
  return Promise.all(clauses.map(function (clause) {
    if (!clause.prefix) return [stem(clause.word)];
    /* The word's own term is one of those it stands for: its shard comes
       beside the words'. */
    store.termShard(stem(clause.word)).catch(function () { /* asked for again, and answered, later */ });
    return store.wordShards(clause.word).then(function (shards) { return expand(shards, clause.word); });
  })).then(function (terms) {
    clauses.forEach(function (clause, i) { clause.terms = terms[i]; });
    return clauses;
  });
}

/* A term's postings, decoded once: lunr's number for it and, per field,
   the refs that have it (ascending) and its weight in each. */
function decode(shard, k, fields) {
  var decoded = shard.decoded || (shard.decoded = new Map());
  if (decoded.has(k)) return decoded.get(k);
  var numbers = shard.numbers, at = shard.starts[k];
  var posting = { index: numbers[at], fields: new Array(fields).fill(null) };
  var count = numbers[at + 1];
  at += 2;
  for (var g = 0; g < count; g++) {
    var papers = numbers[at + 1], refs = new Int32Array(papers), weights = new Float64Array(papers);
    var field = numbers[at], ref = 0;
    at += 2;
    for (var p = 0; p < papers; p++, at += 2) {
      ref += numbers[at];
      refs[p] = ref;
      weights[p] = numbers[at + 1] / 1000;
    }
    posting.fields[field] = { refs: refs, weights: weights };
  }
  decoded.set(k, posting);
  return posting;
}

/* The postings of the clauses' terms, from their shards. A term the index
   does not have is dropped from its clause; a clause left without terms
   keeps its first, and matches nothing. */
function lookUp(store, clauses) {
  var terms = [];
  clauses.forEach(function (clause) { terms = terms.concat(clause.terms); });
  terms = Array.from(new Set(terms));
  var fields = Object.keys(store.manifest.fields).length;
  return Promise.all(terms.map(function (term) { return store.termShard(term); })).then(function (shards) {
    var postings = new Map();
    terms.forEach(function (term, i) {
      var k = shards[i].byKey.get(term);
      if (k !== undefined) postings.set(term, decode(shards[i], k, fields));
    });
    clauses.forEach(function (clause) {
      var kept = clause.terms.filter(function (term) { return postings.has(term); });
      clause.terms = kept.length ? kept : clause.terms.slice(0, 1);
    });
    return postings;
  });
}

/* The matches of a query, as lunr.Index.query finds them over the whole
   index, number for number (tests/test_search_shards.py compares them), with
   typed arrays instead of objects per posting (lunr.Index.query took 120 ms
   for "large language models" at 10,000 papers): the refs in the order lunr
   meets them, and the score of each by ref (`best` ranks them).

   As in lunr: a field's score is the dot product of the query's vector for
   the field (each term's boosts, summed over clauses) and the paper's, over
   the query vector's length, the products added in the order of lunr's term
   numbers; a paper's score adds its fields' in the order lunr first meets
   them (clause by clause, term by term, field by field, ref by ref); a
   paper must have a term of each required clause and none of a left-out
   one; equal scores keep that order. A query of left-out words alone finds
   nothing (lunr would give every paper). */
function score(postings, clauses, fieldNames, papers) {
  var REQUIRED = lunr.Query.presence.REQUIRED, PROHIBITED = lunr.Query.presence.PROHIBITED;
  if (!clauses.some(function (c) { return c.presence !== PROHIBITED; })) return noMatches();
  var fieldCount = fieldNames.length;
  var queryVectors = fieldNames.map(function () { return new Map(); });
  var required = new Uint16Array(papers), stamp = new Uint16Array(papers), requiredClauses = 0;
  var excluded = new Uint8Array(papers), met = new Uint8Array(fieldCount * papers), order = [];
  for (var c = 0; c < clauses.length; c++) {
    var clause = clauses[c], presence = clause.presence;
    var fields = (clause.fields || fieldNames).map(function (f) { return fieldNames.indexOf(f); });
    if (presence === REQUIRED) {
      requiredClauses += 1;
      if (!postings.has(clause.terms[0])) return noMatches();
    }
    for (var t = 0; t < clause.terms.length; t++) {
      var posting = postings.get(clause.terms[t]);
      if (!posting) continue;
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i], list = posting.fields[f], refs = list ? list.refs : [], n = refs.length, r;
        if (presence === PROHIBITED) {
          for (r = 0; r < n; r++) excluded[refs[r]] = 1;
          continue;
        }
        if (presence === REQUIRED) {
          for (r = 0; r < n; r++) {
            if (stamp[refs[r]] !== requiredClauses) { stamp[refs[r]] = requiredClauses; required[refs[r]] += 1; }
          }
        }
        var vector = queryVectors[f];
        vector.set(posting.index, (vector.get(posting.index) || 0) + clause.boost);
        var base = f * papers;
        for (r = 0; r < n; r++) {
          if (!met[base + refs[r]]) { met[base + refs[r]] = 1; order.push(base + refs[r]); }
        }
      }
    }
  }
  /* Each field's dot products, term by term in lunr's order. */
  var dots = new Float64Array(fieldCount * papers), lengths = new Float64Array(fieldCount);
  var byNumber = new Map();
  postings.forEach(function (posting) { byNumber.set(posting.index, posting); });
  queryVectors.forEach(function (vector, f) {
    var numbers = Array.from(vector.keys()).sort(function (a, b) { return a - b; });
    var elements = [], base = f * papers;
    numbers.forEach(function (number) {
      var weight = vector.get(number), list = byNumber.get(number).fields[f];
      elements.push(number, weight);
      if (!list) return;
      var refs = list.refs, weights = list.weights;
      for (var i = 0; i < refs.length; i++) dots[base + refs[i]] += weight * weights[i];
    });
    lengths[f] = new lunr.Vector(elements).magnitude();
  });
  var scores = new Float64Array(papers), found = new Uint8Array(papers), refs = [];
  for (var o = 0; o < order.length; o++) {
    var fieldRef = order[o], ref = fieldRef % papers, field = (fieldRef - ref) / papers;
    if (required[ref] !== requiredClauses || excluded[ref]) continue;
    var fieldScore = dots[fieldRef] / lengths[field] || 0;
    if (found[ref]) scores[ref] += fieldScore;
    else { found[ref] = 1; scores[ref] = fieldScore; refs.push(ref); }
  }
  return { refs: refs, scores: scores };
}

function noMatches() {
  return { refs: [], scores: new Float64Array(0) };
}

/* The first `count` matches, best first, as lunr sorts them all (a stable
   sort: equal scores keep the order lunr met them in), without sorting the
   rest. */
function best(matches, count) {
  var refs = matches.refs, scores = matches.scores;
  var byScore = function (a, b) { return scores[b] - scores[a]; };
  if (count >= refs.length) return refs.slice().sort(byScore);
  var values = new Float64Array(refs.length);
  for (var i = 0; i < refs.length; i++) values[i] = scores[refs[i]];
  values.sort();
  var least = values[refs.length - count], above = refs.filter(function (ref) { return scores[ref] > least; });
  for (var j = 0; j < refs.length && above.length < count; j++) {
    if (scores[refs[j]] === least) above.push(refs[j]);
  }
  /* Those above, then the ties in the order met: a stable sort keeps it. */
  return above.sort(byScore);
}

/* The query's terms a paper has, in any field (to highlight them). */
function matchedTerms(postings, ref) {
  var found = new Set();
  postings.forEach(function (posting, term) {
    if (posting.fields.some(function (list) { return list && has(list.refs, ref); })) found.add(term);
  });
  return found;
}

function has(refs, ref) {
  var low = 0, high = refs.length - 1;
  while (low <= high) {
    var middle = (low + high) >> 1;
    if (refs[middle] === ref) return true;
    if (refs[middle] < ref) low = middle + 1; else high = middle - 1;
  }
  return false;
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

/* Each tag's papers, as a 0/1 array by ref. */
function tagLists(store) {
  var papers = store.manifest.papers;
  return store.get("tags.json", function (lists) {
    return lists.map(function (differences) {
      var members = new Uint8Array(papers), ref = 0;
      differences.forEach(function (d) { ref += d; members[ref] = 1; });
      return members;
    });
  });
}

/* Everything a query's results show, for the first `limit` results:
   `current()` says whether the query is still the one being answered. */
function answer(store, message, current) {
  var manifest, clauses, matches, postings, tags = null;
  return store.load().then(function (loaded) {
    manifest = loaded;
    return plan(store, message.text, message.done);
  }).then(function (planned) {
    clauses = planned;
    if (!current()) return null;
    var wanted = [lookUp(store, clauses)];
    if (message.tags || message.tag) wanted.push(tagLists(store));
    return Promise.all(wanted);
  }).then(function (found) {
    if (!found || !current()) return null;
    postings = found[0];
    tags = found[1] || null;
    matches = score(postings, clauses, Object.keys(manifest.fields), manifest.papers);
    var tagNumber = manifest.tags.map(function (tag) { return tag[0]; }).indexOf(message.tag);
    var years = {}, tagCounts = tags ? {} : null, kept = matches.refs;
    if (message.tag || message.year) {
      kept = kept.filter(function (ref) {
        var tagged = !message.tag || (tags && tagNumber >= 0 && tags[tagNumber][ref] === 1);
        return tagged && (!message.year || yearOf(manifest.years, ref) === message.year);
      });
    }
    matches.refs.forEach(function (ref) {
      var year = yearOf(manifest.years, ref);
      years[year] = (years[year] || 0) + 1;
    });
    if (tags) {
      tags.forEach(function (members, n) {
        var count = 0;
        for (var i = 0; i < matches.refs.length; i++) count += members[matches.refs[i]];
        if (count) tagCounts[manifest.tags[n][0]] = count;
      });
    }
    var shown = best({ refs: kept, scores: matches.scores }, message.limit || 10);
    return store.papers(shown).then(function (papers) {
      if (!current()) return null;
      var results = shown.map(function (ref, i) {
        var paper = papers[i], matched = matchedTerms(postings, ref);
        return {
          ref: ref, score: matches.scores[ref], url: paper[0], title: segments(paper[1], matched),
          date: paper[2], dateLabel: paper[3],
          tags: paper[4].map(function (n) { return manifest.tags[n]; }),
          upvotes: paper[5], authors: paper[6], authorsCount: paper[7],
          snippet: snippet(paper[8], matched)
        };
      });
      return {
        type: "results", id: message.id, text: message.text, matched: matches.refs.length,
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
      var response = early && early.url === url ? early.response : fetch(url);
      early = null;
      return response.then(function (answer) {
        if (!answer.ok) throw new Error(url + ": " + answer.status);
        return answer.json();
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
    normalise: normalise, words: words, stem: stem, parse: parse, plan: plan, lookUp: lookUp,
    score: score, best: best, answer: answer, snippet: snippet, segments: segments, Store: Store, expand: expand
  };
}
