// parity.mjs runs the JavaScript client over an exported index for the
// Go tests: node parity.mjs DIR < requests.json > answers.json, where
// requests are {"tokens": [strings]} and {"queries": [{text, filters,
// limit}]}. With "fresh": true, each query runs in a client of its own
// (as a page's first query), and "files" lists, per query, the index
// files it read.
import fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const dir = process.argv[2];
const req = JSON.parse(readFileSync(0, "utf8"));
let files = [];
const read = fs.readFile;
fs.readFile = async (...a) => {
  const p = a[0] instanceof URL ? fileURLToPath(a[0]) : String(a[0]);
  if (!p.endsWith(".js")) files.push(p.slice(dir.length + 1).split("\\").join("/"));
  return read(...a);
};
syncBuiltinESMExports();
const url = pathToFileURL(`${dir}/accredit-search.js`).href;
let client = await import(url);
const out = { tokens: [], queries: [], files: [] };
for (const s of req.tokens ?? []) out.tokens.push(await client.tokens(s));
for (const [i, q] of (req.queries ?? []).entries()) {
  if (req.fresh) client = await import(`${url}?fresh=${i}`);
  files = [];
  const r = await client.search(q.text, { filters: q.filters ?? {}, limit: q.limit ?? 10 });
  out.queries.push(r);
  out.files.push(files.sort());
}
process.stdout.write(JSON.stringify(out));
