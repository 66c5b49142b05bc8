/* papershelf search worker: loads the index once and answers queries off the
   main thread. normalise, trim, the query and expand mirror
   plugins/papershelf/search.py: change them together (tests compare both in
   Chromium). */
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
var K1 = 1.2, B = 0.75; /* lunr's BM25 parameters */

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

/* lunr's serialized index, rebuilt from the compact one as lunr.js's Builder
   would build it (search.py's expand). */
function expand(data) {
  if (data.format !== "papershelf-index-1") throw new Error("not a papershelf index");
  var fields = Object.keys(data.fields), count = data.documents, terms = data.terms;
  var postings = terms.map(function (term, number) {
    var posting = { _index: number };
    fields.forEach(function (field) { posting[field] = {}; });
    return posting;
  });
  var found = terms.map(function () { return 0; }); /* fields of documents with the term */
  var numbers = {}, average = {};
  fields.forEach(function (field) {
    var total = 0;
    numbers[field] = data.columns[field].map(function (differences) {
      var number = 0;
      return differences.map(function (difference) { return number += difference; });
    });
    numbers[field].forEach(function (list, ref) {
      total += list.length;
      list.forEach(function (number, i) {
        if (i && list[i - 1] === number) return; /* a repeat: counted once */
        postings[number][field][ref] = {};
        found[number] += 1;
      });
    });
    average[field] = count ? total / count : 0;
  });
  var idf = found.map(function (n) { return Math.log(1 + Math.abs((count - n + 0.5) / (n + 0.5))); });
  var vectors = [];
  for (var ref = 0; ref < count; ref++) {
    fields.forEach(function (field) {
      var list = numbers[field][ref], boost = data.fields[field], elements = [];
      var norm = list.length ? 1 - B + B * (list.length / average[field]) : 0;
      for (var i = 0; i < list.length; ) {
        var number = list[i], tf = 0;
        while (i < list.length && list[i] === number) { tf += 1; i += 1; }
        var score = idf[number] * ((K1 + 1) * tf) / (K1 * norm + tf) * boost;
        elements.push(number, Math.round(score * 1000) / 1000);
      }
      vectors.push([field + "/" + ref, elements]);
    });
  }
  var inverted = terms.map(function (term, number) { return [term, postings[number]]; });
  inverted.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  return { version: "2.3.9", fields: fields, fieldVectors: vectors, invertedIndex: inverted, pipeline: ["stemmer"] };
}

function fetchJSON(url) {
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  });
}

var loaded = null;

function load(urls) {
  if (!loaded) {
    loaded = Promise.all([fetchJSON(urls.index), fetchJSON(urls.documents)]).then(function (data) {
      return { index: lunr.Index.load(expand(data[0])), documents: data[1], snippets: {}, urls: urls };
    });
  }
  return loaded;
}

/* The snippet files a list of refs needs, each fetched once. */
function snippetsFor(store, refs) {
  var size = store.documents.snippetsPerFile, files = {};
  refs.forEach(function (ref) {
    var number = Math.floor(ref / size);
    if (!store.snippets[number]) {
      var url = new URL(store.urls.snippets.replace("{number}", number), store.urls.index).href;
      store.snippets[number] = fetchJSON(url).catch(function (error) {
        delete store.snippets[number]; /* the next query tries again */
        throw error;
      });
    }
    files[number] = store.snippets[number];
  });
  var numbers = Object.keys(files);
  return Promise.all(numbers.map(function (n) { return files[n]; })).then(function (lists) {
    var byNumber = {};
    numbers.forEach(function (n, i) { byNumber[n] = lists[i]; });
    return refs.map(function (ref) { return byNumber[Math.floor(ref / size)][ref % size]; });
  });
}

function answer(store, message) {
  var matches = search(store.index, message.text);
  var papers = store.documents.papers, tagNames = store.documents.tags;
  var tags = {}, years = {}, kept = [];
  matches.forEach(function (match) {
    var doc = papers[+match.ref];
    var year = doc[2].slice(0, 4);
    var names = doc[3].map(function (n) { return tagNames[n]; });
    years[year] = (years[year] || 0) + 1;
    names.forEach(function (tag) { tags[tag] = (tags[tag] || 0) + 1; });
    if ((!message.tag || names.indexOf(message.tag) >= 0) && (!message.year || year === message.year)) {
      kept.push(match);
    }
  });
  var shown = kept.slice(0, RESULTS_SHOWN);
  var matched = shown.map(function (match) { return new Set(Object.keys(match.matchData.metadata)); });
  var results = shown.map(function (match, i) {
    var doc = papers[+match.ref];
    return {
      ref: match.ref, url: doc[0], date: doc[2],
      tags: doc[3].map(function (n) { return tagNames[n]; }),
      title: segments(doc[1], matched[i])
    };
  });
  var snippets = snippetsFor(store, shown.map(function (match) { return +match.ref; })).then(function (texts) {
    return texts.map(function (text, i) { return segments(text, matched[i]); });
  });
  return {
    results: {
      type: "results", id: message.id, text: message.text, matched: matches.length,
      total: kept.length, results: results, tags: tags, years: years
    },
    snippets: snippets
  };
}

function onMessage(event) {
  var message = event.data;
  load(message.urls).then(function (store) {
    if (message.type === "load") {
      self.postMessage({ type: "ready", papers: store.documents.length });
    } else if (message.type === "query") {
      /* Results at once; their snippets as soon as their files are here. */
      var answered = answer(store, message);
      self.postMessage(answered.results);
      answered.snippets.then(function (snippets) {
        self.postMessage({ type: "snippets", id: message.id, snippets: snippets });
      }, function () { /* results stay without snippets */ });
    }
  }).catch(function (error) {
    loaded = null;
    self.postMessage({ type: "error", id: message.id, message: String(error && error.message || error) });
  });
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = onMessage;
}
