/* Runs queries through the search worker's own code, over the shards of a
   built site, and through lunr.Index.query over the whole index built by
   lunr's own Builder from the same terms; prints both as JSON.

   node search_parity.js THEME_JS_DIR SEARCH_DIR TERMS.json QUERIES.json */
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");

const [themeJs, searchDir, termsFile, queriesFile] = process.argv.slice(2);
global.lunr = require(path.resolve(themeJs, "lunr.min.js"));
const worker = require(path.resolve(themeJs, "search-worker.js"));

const fetched = [];
function fetchJSON(url) {
  fetched.push(path.relative(searchDir, fileURLToPath(url)));
  return Promise.resolve().then(() => JSON.parse(fs.readFileSync(fileURLToPath(url), "utf8")));
}

/* A clause that stands for several terms, as lunr's pipeline gives them:
   lunr requires one of them and scores each one found. */
function alternatives(token) {
  return token.toString().split(" ").map(term => new lunr.Token(term));
}
lunr.Pipeline.registerFunction(alternatives, "alternatives");

/* The whole index, as lunr.Builder makes it of documents whose fields are
   already index terms (the pipeline ran in Python: search/text.py). */
function fullIndex(documents, fields) {
  const builder = new lunr.Builder();
  builder.ref("ref");
  builder.pipeline.reset();
  builder.searchPipeline.reset();
  builder.searchPipeline.add(alternatives);
  for (const [field, boost] of Object.entries(fields)) builder.field(field, { boost: boost });
  documents.forEach((document, ref) => builder.add(Object.assign({ ref: String(ref) }, document)));
  return builder.build();
}

function lunrQuery(index, clauses) {
  if (clauses.every(c => c.presence === lunr.Query.presence.PROHIBITED)) return [];
  return index.query(q => clauses.forEach(clause => {
    const options = { usePipeline: true, presence: clause.presence, boost: clause.boost };
    if (clause.fields) options.fields = clause.fields;
    q.term(clause.terms.join(" "), options);
  }));
}

async function main() {
  const documents = JSON.parse(fs.readFileSync(termsFile, "utf8"));
  const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
  const store = new worker.Store(pathToFileURL(path.join(searchDir, "index.json")).href, fetchJSON);
  const manifest = await store.load();
  const full = fullIndex(documents, manifest.fields);
  const out = [];
  for (const text of queries) {
    fetched.length = 0;
    const fresh = new worker.Store(store.url, fetchJSON); /* a first query: nothing cached */
    await fresh.load();
    const clauses = await worker.plan(fresh, text);
    const postings = await worker.lookUp(fresh, clauses);
    const fields = Object.keys(manifest.fields);
    const matches = worker.score(postings, clauses, fields, manifest.papers);
    const sharded = worker.best(matches, Infinity).map(ref => [ref, matches.scores[ref]]);
    const whole = lunrQuery(full, clauses).map(m => [+m.ref, m.score]);
    out.push({ text, clauses: clauses.map(c => c.terms), sharded, whole, fetched: fetched.slice() });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(error => { console.error(error && error.stack || error); process.exit(1); });
