// parity.mjs runs the JavaScript client over an exported index for the
// Go tests: node parity.mjs DIR < requests.json > answers.json, where
// requests are {"tokens": [strings]} and {"queries": [{text, filters,
// limit}]}. It also counts the bytes and requests each query fetched.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
const req = JSON.parse(readFileSync(0, "utf8"));
const client = await import(pathToFileURL(`${dir}/accredit-search.js`).href);
const out = { tokens: [], queries: [] };
for (const s of req.tokens ?? []) out.tokens.push(await client.tokens(s));
for (const q of req.queries ?? []) {
  const r = await client.search(q.text, { filters: q.filters ?? {}, limit: q.limit ?? 10 });
  out.queries.push(r);
}
process.stdout.write(JSON.stringify(out));
