/* A static file server for the benchmark: Python's http.server answers one
   request at a time under its lock and would be what a query waits for.
   node serve.js FOLDER PORT; prints its address once it listens. */
"use strict";
const http = require("http");
const fs = require("fs");
const path = require("path");

const [folder, port] = process.argv.slice(2);
const root = path.resolve(folder);
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm", ".xml": "application/xml",
  ".svg": "image/svg+xml", ".png": "image/png"
};

const server = http.createServer((request, response) => {
  let name = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
  let file = path.join(root, name);
  if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
  fs.stat(file, (error, stat) => {
    if (!error && stat.isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (failed, body) => {
      if (failed) { response.writeHead(404).end("not found"); return; }
      response.writeHead(200, {
        "Content-Type": TYPES[path.extname(file)] || "application/octet-stream",
        "Content-Length": body.length
      });
      response.end(body);
    });
  });
});
server.listen(+port || 0, "127.0.0.1", () => {
  console.log("http://127.0.0.1:" + server.address().port);
});
