/* The refs each query finds (all of them, best first), through the search
   worker's own code over the shards of a built site.

   node search_recall.js THEME_JS_DIR SEARCH_DIR QUERIES.json */
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");

const [themeJs, searchDir, queriesFile] = process.argv.slice(2);
global.lunr = require(path.resolve(themeJs, "lunr.min.js"));
const worker = require(path.resolve(themeJs, "search-worker.js"));

function fetchJSON(url) {
  return Promise.resolve().then(() => JSON.parse(fs.readFileSync(fileURLToPath(url), "utf8")));
}

async function main() {
  const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
  const store = new worker.Store(pathToFileURL(path.join(searchDir, "index.json")).href, fetchJSON);
  await store.load();
  const found = [];
  for (const text of queries) {
    const clauses = await worker.plan(store, text);
    const postings = await worker.lookUp(store, clauses);
    const fields = Object.keys(store.manifest.fields);
    found.push(worker.score(postings, clauses, fields, store.manifest.papers).refs);
  }
  process.stdout.write(JSON.stringify(found));
}

main().catch(error => { console.error(error && error.stack || error); process.exit(1); });
