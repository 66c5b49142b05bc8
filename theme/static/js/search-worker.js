/* papershelf search worker: loads the lunr index once and answers queries off
   the main thread. normalise, trim and the query mirror plugins/papershelf/search.py:
   change them together (tests compare both in Chromium). */
"use strict";
/* In a worker, lunr comes from the file beside this one; a page that includes
   both files (the tests do) gets the same functions as globals. */
if (typeof lunr === "undefined") importScripts("lunr.min.js");

var SPACES = /[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
var CJK = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])/g;
var MARKS = /[\p{Mn}\p{Me}\p{Cf}]/gu;
var EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
var SEPARATORS = /[ \-]+/;
var RESULTS_SHOWN = 100;

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

/* As search.py's query_terms: the last word is a prefix while it is being
   typed, if it has three characters and a letter. */
function queryTerms(text) {
  var terms = words(text).filter(function (w) { return !isStopWord(w); });
  var last = terms[terms.length - 1] || "";
  var typing = text.length > 0 && !/\s$/.test(text);
  return { terms: terms, typing: typing && last.length >= 3 && /\p{L}/u.test(last) };
}

function search(index, text) {
  var parsed = queryTerms(text);
  if (!parsed.terms.length) return [];
  return index.query(function (query) {
    parsed.terms.forEach(function (term, position) {
      var prefix = parsed.typing && position === parsed.terms.length - 1;
      query.term(stem(term), {
        usePipeline: false,
        presence: lunr.Query.presence.REQUIRED,
        wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
      });
    });
  });
}

/* Text split into [text, matched] pieces, for highlighting without HTML. */
function segments(text, matched) {
  return text.split(/([\s\-]+)/).filter(Boolean).map(function (piece) {
    var word = trim(normalise(piece));
    return [piece, word.length > 0 && matched.has(stem(word))];
  }).reduce(function (out, piece) {
    var last = out[out.length - 1];
    if (last && last[1] === piece[1]) last[0] += piece[0]; else out.push(piece);
    return out;
  }, []);
}

var loaded = null;

function load(urls) {
  if (!loaded) {
    loaded = Promise.all([urls.index, urls.documents].map(function (url) {
      return fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    })).then(function (data) {
      return { index: lunr.Index.load(data[0]), documents: data[1] };
    });
  }
  return loaded;
}

function answer(store, message) {
  var matches = search(store.index, message.text);
  var tags = {}, years = {}, kept = [];
  matches.forEach(function (match) {
    var doc = store.documents[+match.ref];
    var year = doc[2].slice(0, 4);
    years[year] = (years[year] || 0) + 1;
    doc[3].forEach(function (tag) { tags[tag] = (tags[tag] || 0) + 1; });
    if ((!message.tag || doc[3].indexOf(message.tag) >= 0) && (!message.year || year === message.year)) {
      kept.push(match);
    }
  });
  var results = kept.slice(0, RESULTS_SHOWN).map(function (match) {
    var doc = store.documents[+match.ref];
    var matched = new Set(Object.keys(match.matchData.metadata));
    return {
      ref: match.ref, url: doc[0], date: doc[2], tags: doc[3],
      title: segments(doc[1], matched), snippet: segments(doc[4], matched)
    };
  });
  return {
    type: "results", id: message.id, text: message.text, matched: matches.length,
    total: kept.length, results: results, tags: tags, years: years
  };
}

function onMessage(event) {
  var message = event.data;
  load(message.urls).then(function (store) {
    if (message.type === "load") {
      self.postMessage({ type: "ready", papers: store.documents.length });
    } else if (message.type === "query") {
      self.postMessage(answer(store, message));
    }
  }).catch(function (error) {
    loaded = null;
    self.postMessage({ type: "error", id: message.id, message: String(error && error.message || error) });
  });
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = onMessage;
}
