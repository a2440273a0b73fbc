// accredit-search: the directory's search, answered from the static index
// that `accredit build` writes beside this file (build/search/).
//
// A dependency-free ES module for browsers and Node >= 20. It uses only
// fetch relative to its own URL (in Node, a file: URL is read from disk)
// and no DOM:
//
//   import { search, info } from "./search/accredit-search.js";
//   const { total, results, facets } = await search("silver clo", {
//     filters: { country: ["DE"], tier: ["gold", "platinum"] },
//     limit: 10,
//   });
//
// Every word must match; the last one matches as a prefix, a whole word
// ahead of the longer words it begins. A word that matches nothing as
// typed matches the words within one edit (4 to 7 letters) or two (8 and
// more) that begin with the same letter, as bleve's FuzzyQuery; when
// nothing matches, `suggest` holds queries to try. Words are
// folded and split exactly as bleve does at build time (ASCII folding,
// Unicode word boundaries, lower case, with bleve's tables for all of
// Unicode), and results are ranked by the
// same BM25 scores times each document's static rank (tier, certified
// people), ties by the directory's order (tier, then name). An
// empty query browses in that order. A facet's counts take every filter
// but its own into account, so other values of a chosen facet stay
// visible. See content/docs/search.md.

const base = new URL("./", import.meta.url);
const VERSION = 6;

let metaPromise = null;
const shardPromises = new Map();
const cardPromises = new Map();
const filePromises = new Map();

// fetchBin returns a file's bytes, gunzipped. The index's files are
// compressed at build time; a host that already decoded them (by
// Content-Encoding) hands back plain bytes, which are used as they are.
async function fetchBin(path) {
  const url = new URL(path, base);
  let buf;
  if (url.protocol === "file:" && typeof process === "object") {
    // Node's fetch has no file: URLs; read the file instead.
    const { readFile } = await import("node:fs/promises");
    buf = new Uint8Array(await readFile(url));
  } else {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`accredit-search: ${path}: HTTP ${res.status}`);
    buf = new Uint8Array(await res.arrayBuffer());
  }
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  const stream = new Response(buf).body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const utf8 = new TextDecoder();
const FACETS = 7; // type, tier, certification, country, region, specialty, industry

function container(buf) {
  const n = buf[0] | (buf[1] << 8) | (buf[2] << 16) | (buf[3] << 24);
  return { header: JSON.parse(utf8.decode(buf.subarray(4, 4 + n))), payload: buf.subarray(4 + n) };
}

function loadMeta() {
  if (!metaPromise) {
    metaPromise = fetchBin("meta.bin").then((buf) => {
      const { header: meta, payload } = container(buf);
      if (meta.version !== VERSION) throw new Error(`accredit-search: index version ${meta.version}, client ${VERSION}`);
      meta.foldMap = new Map(Object.entries(meta.folds));
      meta.classTable = classTable(meta.classes);
      meta.dict = null;
      if (meta.dicts.length === 0) {
        // The whole dictionary: every word's shard, and its side files
        // of facet values (x/<shard>/<k>/<group>.bin, k counting the
        // shard's words that have them), as the exporter numbers them.
        meta.dict = parseDict(payload, meta.dictTerms, meta.fields.length);
        let s = 0, side = 0;
        for (const e of meta.dict) {
          if (s + 1 < meta.shards.length && e.w === meta.shards[s + 1]) { s++; side = 0; }
          e.shard = s;
          e.side = e.docs > meta.inlineTuples ? side++ : -1;
        }
        meta.dictIndex = new Map(meta.dict.map((e, i) => [e.w, i]));
      }
      return meta;
    });
    metaPromise.catch(() => { metaPromise = null; });
  }
  return metaPromise;
}

// loadContainer fetches a container file once (dictionary, side and
// facet value files).
function loadContainer(path) {
  let p = filePromises.get(path);
  if (!p) {
    p = fetchBin(path).then(container);
    p.catch(() => filePromises.delete(path));
    filePromises.set(path, p);
  }
  return p;
}

// parseDict decodes n front-coded dictionary entries: {w: the word, df:
// its document frequency per field, docs: the documents it matches in
// any field}.
function parseDict(p, n, nf) {
  const at = { i: 0 }, out = [];
  let prev = new Uint8Array(0);
  for (; n > 0; n--) {
    const shared = uvarint(p, at), len = uvarint(p, at);
    const bytes = new Uint8Array(shared + len);
    bytes.set(prev.subarray(0, shared));
    bytes.set(p.subarray(at.i, at.i + len), shared);
    at.i += len;
    const df = [];
    for (let f = 0; f < nf; f++) df.push(uvarint(p, at));
    out.push({ w: utf8.decode(bytes), df, docs: uvarint(p, at) });
    prev = bytes;
  }
  return out;
}

// loadDict returns the entries of dictionary file i (parseDict).
function loadDict(meta, i) {
  return loadContainer(`d/${i}.bin`).then((c) => {
    c.entries ??= parseDict(c.payload, c.header.terms, meta.fields.length);
    return c.entries;
  });
}

function loadShard(i) {
  let p = shardPromises.get(i);
  if (!p) {
    p = fetchBin(`t/${i}.bin`).then((buf) => {
      const { header, payload } = container(buf);
      header.payload = payload;
      header.byTerm = new Map(header.terms.map((t, k) => [t, k]));
      header.pairs = new Map(header.pairs.map(([k, other, off]) => [`${k}\u0000${other}`, off]));
      header.nfacets = FACETS;
      header.index = i;
      return header;
    });
    p.catch(() => shardPromises.delete(i));
    shardPromises.set(i, p);
  }
  return p;
}

// card makes a result card of a stored row (cardRow in export.go):
// the fields in order, the empty ones left out, the url made from the id
// when the row has 0.
const CARD = ["type", "id", "name", "url", "tier", "tierId", "partner", "location", "specialties", "credentials", "certified"];
function card(row) {
  const c = {};
  CARD.forEach((k, i) => {
    let v = row[i];
    if (k === "url") {
      if (v === 0) {
        const at = row[1].indexOf("/");
        v = row[0] === "partner" ? `/partners/${row[1]}/` : `/partners/${row[1].slice(0, at)}/#person-${row[1].slice(at + 1)}`;
      }
      c.url = v;
      return;
    }
    if (v === "" || v === 0 || (Array.isArray(v) && v.length === 0)) return;
    c[k] = v;
  });
  return c;
}

function loadCards(g) {
  let p = cardPromises.get(g);
  if (!p) {
    p = fetchBin(`c/${g}.bin`).then((buf) => JSON.parse(utf8.decode(buf)));
    p.catch(() => cardPromises.delete(g));
    cardPromises.set(g, p);
  }
  return p;
}

// ---- Analysis: the same steps as bleve's analyzer at build time. ----
//
// bleve folds the text (its ASCII folding), splits it into words with
// github.com/blevesearch/segment (UAX #29 as a Ragel scanner over
// Unicode 8.0 tables) and lower-cases each word. meta.bin carries bleve's
// whole fold table and the scanner's word-break classes for every code
// point, so that a query splits as the documents did whatever Unicode
// version the browser knows.

// Word_Break values (the low five bits of a class) and script flags, as in
// cmd/internal/search/wordbreak.go.
const DQ = 1, SQ = 2, HL = 3, CR = 4, LF = 5, NL = 6, EXTEND = 7, FORMAT = 8, KATAKANA = 9,
  ALETTER = 10, MIDLETTER = 11, MIDNUM = 12, MIDNUMLET = 13, NUMERIC = 14, ENL = 15;
const HANGUL = 32, HAN = 64, HIRAGANA = 128;

// classTable turns meta.bin's (distance, class) pairs into run starts.
function classTable(pairs) {
  const starts = new Uint32Array(pairs.length / 2), codes = new Uint8Array(pairs.length / 2);
  let at = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    at += pairs[i];
    starts[i / 2] = at;
    codes[i / 2] = pairs[i + 1];
  }
  return { starts, codes };
}

function classOf(table, cp) {
  let lo = 0, hi = table.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table.starts[mid] <= cp) lo = mid; else hi = mid - 1;
  }
  return table.codes[lo];
}

function utf8Len(cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

// lower lower-cases a word as the index's filter does (lower.go): Go's
// simple case mapping per code point, and a capital sigma that ends the
// word becomes ς.
function lower(word) {
  const cps = Array.from(word);
  let out = "";
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    let l = c.toLowerCase();
    if (Array.from(l).length !== 1) l = c === "\u0130" ? "i" : c; // full mappings: Go maps İ to i
    if (c === "Σ" && i === cps.length - 1) l = "ς";
    out += l;
  }
  return out;
}

// units groups code points as the scanner does: a character with the
// Extend and Format characters after it (none after CR, LF or a
// newline). A unit's class is its first character's.
function units(cps, table) {
  const out = [];
  for (const cp of cps) {
    const c = classOf(table, cp), wb = c & 31;
    const last = out[out.length - 1];
    // The Hangul tone marks (Extend, script Hangul) make a word of their
    // own after a character of more than one byte that begins no word, as
    // the Ragel scanner runs on bytes; after some such characters (U+2014)
    // they do not, which this does not model (see search.md).
    const own = (c & HANGUL) && last && last.wb === 0 && !last.flags && last.bytes > 1 && last.text.length <= 2;
    if ((wb === EXTEND || wb === FORMAT) && last && !own && last.wb !== CR && last.wb !== LF && last.wb !== NL) {
      last.text += String.fromCodePoint(cp);
      last.bytes += utf8Len(cp);
      continue;
    }
    out.push({ text: String.fromCodePoint(cp), bytes: utf8Len(cp), wb, flags: c & ~31 });
  }
  return out;
}

const isLetter = (u) => u.wb === ALETTER || u.wb === HL;

// wordEnd is the end of the longest word (the scanner's Word machine,
// which holds its Numeric and Katakana ones) starting at unit i, or i.
// Letters (ALetter, Hebrew_Letter), digits and connectors (ExtendNumLet)
// join; Katakana joins Katakana and connectors; a MidLetter (or
// MidNumLet, or ') joins two letters (WB6/7), a MidNum (or MidNumLet, or
// ') two digits (WB11/12); a Hebrew letter keeps a ' after it (WB7a) and
// joins another over a " (WB7b/c). The letter after a middle character,
// bound to it, cannot take a ' or " of its own (the Ragel grammar's
// pieces do not share letters).
function wordEnd(us, i) {
  const start = (u) => isLetter(u) || u.wb === NUMERIC || u.wb === KATAKANA || u.wb === ENL;
  if (!start(us[i])) return i;
  let j = i + 1, bound = false;
  while (j < us.length) {
    const prev = us[j - 1], cur = us[j], next = us[j + 1];
    const kata = cur.wb === KATAKANA || prev.wb === KATAKANA;
    if (start(cur) && (!kata || cur.wb === prev.wb || cur.wb === ENL || prev.wb === ENL)) {
      j++; bound = false; continue;
    }
    if (prev.wb === HL && !bound && cur.wb === SQ) { j++; bound = false; continue; }
    if (!next) break;
    if (prev.wb === HL && !bound && cur.wb === DQ && next.wb === HL) { j += 2; bound = true; continue; }
    if (isLetter(prev) && isLetter(next) && (cur.wb === MIDLETTER || cur.wb === MIDNUMLET || cur.wb === SQ)) {
      // A letter bound by a " cannot go on over a middle character.
      if (bound && prev.wb === HL && us[j - 2]?.wb === DQ) break;
      j += 2; bound = true; continue;
    }
    if (prev.wb === NUMERIC && next.wb === NUMERIC && (cur.wb === MIDNUM || cur.wb === MIDNUMLET || cur.wb === SQ)) {
      j += 2; bound = false; continue;
    }
    break;
  }
  return j;
}

function bytesOf(us, i, j) {
  let n = 0;
  for (let k = i; k < j; k++) n += us[k].bytes;
  return n;
}

// analyze returns the terms bleve makes of text: ASCII folding, word
// segmentation, lower case. The scanner takes the longest word at each
// point (in bytes; on a tie, the first machine: words before Han and
// Hiragana); a Hangul run, a Han or a Hiragana character is a word too.
export function analyze(text, folds, table) {
  let folded = "";
  for (const ch of String(text)) folded += folds.get(ch) ?? ch;
  const cps = [];
  for (const ch of folded) cps.push(ch.codePointAt(0));
  const us = units(cps, table);
  const terms = [];
  for (let i = 0; i < us.length;) {
    let end = wordEnd(us, i), best = bytesOf(us, i, end);
    if (us[i].flags & HANGUL) {
      let k = i;
      while (k < us.length && us[k].flags & HANGUL) k++;
      const n = bytesOf(us, i, k);
      if (n > best) { end = k; best = n; }
    }
    if ((us[i].flags & (HAN | HIRAGANA)) && us[i].bytes > best) { end = i + 1; best = us[i].bytes; }
    if (end === i) { i++; continue; }
    let word = "";
    for (let k = i; k < end; k++) word += us[k].text;
    terms.push(lower(word));
    i = end;
  }
  return terms;
}

// ---- Lookup and scoring. ----

// Terms compare by code point, as bleve's dictionary orders them.
function compare(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function shardOf(meta, term) {
  let lo = 0, hi = meta.shards.length - 1, at = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compare(meta.shards[mid], term) <= 0) { at = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return at;
}

function uvarint(p, at) {
  let v = 0, shift = 0, b;
  do { b = p[at.i++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return v;
}

// counts decodes facet counts stored at off in a shard: per facet, a map
// from value number to count.
function counts(shard, off) {
  const at = { i: off };
  const out = [];
  for (let f = 0; f < shard.nfacets; f++) {
    const m = new Map();
    for (let n = uvarint(shard.payload, at); n > 0; n--) {
      const v = uvarint(shard.payload, at);
      m.set(v, uvarint(shard.payload, at));
    }
    out.push(m);
  }
  return out;
}

const ALL = [0, 1, 2, 3, 4, 5, 6];

// tuples decodes the values of facets (facet numbers, in order) at off
// in payload for docs (in order), a facet at a time (appendTuples in
// export.go): it sets out[d][f] to d's values of facet f, as value
// numbers.
function tuples(payload, off, docs, out, facets = ALL) {
  const at = { i: off };
  const rows = docs.map((d) => {
    let r = out.get(d);
    if (!r) { r = new Array(FACETS); out.set(d, r); }
    return r;
  });
  const ids = [], nsets = [];
  for (const f of facets) {
    const sets = [];
    for (let n = uvarint(payload, at); n > 0; n--) {
      const vs = [];
      for (let k = uvarint(payload, at); k > 0; k--) vs.push(uvarint(payload, at));
      sets.push(vs);
    }
    const col = new Uint32Array(docs.length);
    if (sets.length > 1) {
      const mode = uvarint(payload, at);
      if (mode === 0) {
        for (let i = 0; i < docs.length; i++) col[i] = uvarint(payload, at);
      } else {
        // Implied by an earlier facet's set.
        const from = ids[mode - 1], map = [];
        for (let k = 0; k < nsets[mode - 1]; k++) map.push(uvarint(payload, at));
        for (let i = 0; i < docs.length; i++) col[i] = map[from[i]];
      }
    }
    ids[f] = col;
    nsets[f] = sets.length;
    for (let i = 0; i < docs.length; i++) rows[i][f] = sets[col[i]] ?? [];
  }
}

// termDocs returns the documents term k of a shard matches in any field,
// in order.
function termDocs(shard, k) {
  const set = new Set();
  for (let f = 0; f < shard.df.length; f++) {
    // Postings are every document gap, then every factor.
    const p = shard.payload, at = { i: shard.post[f][k] };
    let doc = 0;
    for (let n = shard.df[f][k]; n > 0; n--) { doc += uvarint(p, at); set.add(doc); }
  }
  return [...set].sort((a, b) => a - b);
}

// termTuples adds the facet values of every document of term k to out:
// every facet from the shard, or those of the side file groups listed
// (meta.groups; all by default).
async function termTuples(meta, shard, k, out, groups = meta.groups.map((_, g) => g)) {
  const docs = termDocs(shard, k);
  if (shard.tuples[k] >= 0) return tuples(shard.payload, shard.tuples[k], docs, out);
  const sides = await Promise.all(groups.map((g) => loadContainer(`x/${shard.index}/${shard.xtuples[k]}/${g}.bin`)));
  sides.forEach((side, i) => tuples(side.payload, 0, docs, out, meta.groups[groups[i]]));
}

// pairCounts returns the facet counts stored for the documents two
// index words share (Shard.pairs: a count for each value of the stored
// counts of the word that keeps them, in order), or null.
function pairCounts([s1, k1], [s2, k2]) {
  for (const [s, k, other] of [[s1, k1, s2.terms[k2]], [s2, k2, s1.terms[k1]]]) {
    const off = s.pairs.get(`${k}\u0000${other}`);
    if (off === undefined) continue;
    const at = { i: off };
    return counts(s, s.counts[k]).map((own) => {
      const m = new Map();
      for (const v of own.keys()) {
        const n = uvarint(s.payload, at);
        if (n > 0) m.set(v, n);
      }
      return m;
    });
  }
  return null;
}

// unionCounts returns the facet counts of a word's documents (the union
// of its index words' documents) from the counts stored with the index
// word of the most documents and the facet values of the documents
// outside it (often none: "de" and "deutschland" find the same), or null
// when that index word has no stored counts.
async function unionCounts(meta, p) {
  const lists = p.expansions.map(([s, k]) => termDocs(s, k));
  let big = 0;
  lists.forEach((l, i) => { if (l.length > lists[big].length) big = i; });
  const [bs, bk] = p.expansions[big];
  if (!(bs.counts[bk] >= 0)) return null;
  const fc = counts(bs, bs.counts[bk]);
  const inBig = new Set(lists[big]);
  const extra = new Set(), from = [];
  lists.forEach((l, i) => {
    if (i === big) return;
    const out = l.filter((d) => !inBig.has(d));
    if (out.length === 0) return;
    from.push(p.expansions[i]);
    for (const d of out) extra.add(d);
  });
  const tupleOf = new Map();
  await Promise.all(from.map(([s, k]) => termTuples(meta, s, k, tupleOf)));
  for (const d of extra) {
    const t = tupleOf.get(d);
    for (let fi = 0; fi < FACETS; fi++) for (const v of t[fi]) fc[fi].set(v, (fc[fi].get(v) ?? 0) + 1);
  }
  return fc;
}

// fuzziness is the number of edits forgiven in a word of n characters.
const fuzziness = (n) => (n < 4 ? 0 : n < 8 ? 1 : 2);

// distance counts edits as bleve's fuzzy matching does (insertion,
// deletion, substitution, swap of neighbours; over characters), or
// returns max + 1 once it is past max. As Distance in index.go.
export function distance(a, b, max) {
  const x = Array.from(a), y = Array.from(b);
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev2 = new Array(y.length + 1).fill(0), prev = [], cur = new Array(y.length + 1).fill(0);
  for (let j = 0; j <= y.length; j++) prev.push(j);
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    let low = i;
    for (let j = 1; j <= y.length; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      low = Math.min(low, v);
    }
    if (low > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[y.length], max + 1);
}

// lowerBound is the first entry of the dictionary not before term.
function lowerBound(dict, term) {
  let lo = 0, hi = dict.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(dict[mid].w, term) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// neighbours returns the dictionary's entries (parseDict) whose words
// begin with the first character of term: from meta.bin's dictionary, or
// from the dictionary files that hold them.
async function neighbours(meta, term) {
  const first = Array.from(term)[0];
  if (meta.dict) {
    const out = [];
    for (let i = lowerBound(meta.dict, first); i < meta.dict.length && meta.dict[i].w.startsWith(first); i++) out.push(meta.dict[i]);
    return out;
  }
  const from = shardOf({ shards: meta.dicts }, first);
  const wanted = [from];
  for (let i = from + 1; i < meta.dicts.length && meta.dicts[i].startsWith(first); i++) wanted.push(i);
  const files = await Promise.all(wanted.map((i) => loadDict(meta, i)));
  return files.flat().filter((e) => e.w.startsWith(first));
}

// lookup tells from meta.bin's dictionary how a word of the query
// matches (as index.go's kind) and which words of the index it stands
// for, each {e: entry, dist: edits}, before any shard is fetched. Without
// that dictionary it returns null: word() finds out from the shards.
function lookup(meta, term, last) {
  if (!meta.dict) return null;
  const d = meta.dict, words = [];
  if (last) {
    for (let i = lowerBound(d, term); i < d.length && d[i].w.startsWith(term); i++) words.push({ e: d[i], dist: 0 });
    if (words.length) return { kind: "prefix", words };
  } else {
    const i = meta.dictIndex.get(term);
    if (i !== undefined) return { kind: "exact", words: [{ e: d[i], dist: 0 }] };
  }
  const max = fuzziness(Array.from(term).length);
  if (max === 0) return { kind: "none", words };
  const first = Array.from(term)[0];
  for (let i = lowerBound(d, first); i < d.length && d[i].w.startsWith(first); i++) {
    const dist = distance(term, d[i].w, max);
    if (dist <= max) words.push({ e: d[i], dist });
  }
  return { kind: "fuzzy", words };
}

// sideFiles are the paths of a dictionary entry's side files of facet
// values, of the groups listed, or none when they ride in its shard.
const sideFiles = (e, groups) => (e.side >= 0 ? groups.map((g) => `x/${e.shard}/${e.side}/${g}.bin`) : []);

// word scores one word of the query in every field, as bleve's query for
// it: a disjunction of clauses whose score is their sum times the share
// of clauses that match (coord). A clause's score for a term is BM25
// times idf and the field's boost (the query's norm is the same for
// every document, so it is left out). A whole word is one term clause
// per field. The last word is, per field, a prefix clause (a disjunction
// over the words it begins, with its own coord) and a term clause for the
// whole word weighing exactBoost more. A word that matches nothing so is
// a fuzzy clause per field: a disjunction over the words within its
// edits, each weighing 1 / (1 + edits).
async function word(meta, term, last, plan) {
  const nf = meta.fields.length;
  // found: the words of the index this one stands for, [shard, k, edits].
  let kind, shards, found = [];
  if (plan) {
    kind = plan.kind;
    const need = [...new Set(plan.words.map(({ e }) => e.shard))];
    const loaded = await Promise.all(need.map(loadShard));
    const byShard = new Map(need.map((i, n) => [i, loaded[n]]));
    shards = loaded;
    for (const { e, dist } of plan.words) {
      const s = byShard.get(e.shard);
      found.push([s, s.byTerm.get(e.w), dist]);
    }
  } else {
    const first = shardOf(meta, term);
    const wanted = [first];
    if (last) {
      for (let i = first + 1; i < meta.shards.length && meta.shards[i].startsWith(term); i++) wanted.push(i);
    }
    shards = await Promise.all(wanted.map(loadShard));
    for (const shard of shards) {
      if (last) {
        shard.terms.forEach((t, k) => { if (t.startsWith(term)) found.push([shard, k, 0]); });
      } else {
        const k = shard.byTerm.get(term);
        if (k !== undefined) found.push([shard, k, 0]);
      }
    }
    kind = last ? "prefix" : "exact";
    if (found.length === 0) kind = fuzziness(Array.from(term).length) > 0 ? "fuzzy" : "none";
    if (kind === "fuzzy") {
      const max = fuzziness(Array.from(term).length);
      const cands = (await neighbours(meta, term)).map((e) => [e.w, distance(term, e.w, max)]).filter(([, d]) => d <= max);
      const need = [...new Set(cands.map(([w]) => shardOf(meta, w)))];
      shards = await Promise.all(need.map(loadShard));
      const byShard = new Map(need.map((i, n) => [i, shards[n]]));
      for (const [w, d] of cands) {
        const s = byShard.get(shardOf(meta, w));
        found.push([s, s.byTerm.get(w), d]);
      }
    }
  }
  const expansions = found.map(([s, k]) => [s, k]);
  // clauses: per clause, its field, multi (coord over its terms) and terms [shard, k, weight].
  const clauses = [];
  if (kind === "exact") {
    for (let f = 0; f < nf; f++) clauses.push({ f, multi: false, terms: expansions.map(([s, k]) => [s, k, 1]) });
  } else if (kind === "prefix") {
    const whole = expansions.filter(([s, k]) => s.terms[k] === term);
    for (let f = 0; f < nf; f++) {
      clauses.push({ f, multi: true, terms: expansions.map(([s, k]) => [s, k, 1]) });
      clauses.push({ f, multi: false, terms: whole.map(([s, k]) => [s, k, meta.exactBoost]) });
    }
  } else if (kind === "fuzzy") {
    for (let f = 0; f < nf; f++) {
      const ts = found.filter(([s, k]) => s.df[f][k] !== 0).map(([s, k, d]) => [s, k, 1 / (d + 1)]);
      clauses.push({ f, multi: true, terms: ts });
    }
  }
  const n = meta.docs;
  const scores = new Float64Array(n), matched = new Uint8Array(n);
  const sum = new Float64Array(n), cnt = new Uint32Array(n);
  const docs = [];
  for (const c of clauses) {
    const touched = [];
    let exp = 0;
    for (const [shard, k, weight] of c.terms) {
      if (shard.df[c.f][k] === 0) continue;
      exp++;
      const w = weight * meta.boosts[c.f] * shard.idf[c.f][k] * shard.idf[c.f][k];
      const p = shard.payload, sat = meta.sat, n = shard.df[c.f][k];
      // Every document gap, then every factor: j reads the factors
      // from where the gaps end.
      let i = shard.post[c.f][k], j = i, doc = 0;
      for (let m = n; m > 0; m--) while (p[j++] & 0x80);
      for (let m = n; m > 0; m--) {
        // Two varints, inline: this loop is most of a search's time.
        let b = p[i++], v = b & 0x7f;
        for (let shift = 7; b & 0x80; shift += 7) { b = p[i++]; v |= (b & 0x7f) << shift; }
        doc += v;
        b = p[j++];
        v = b & 0x7f;
        for (let shift = 7; b & 0x80; shift += 7) { b = p[j++]; v |= (b & 0x7f) << shift; }
        if (cnt[doc] === 0) touched.push(doc);
        sum[doc] += w * sat[v];
        cnt[doc]++;
      }
    }
    for (const d of touched) {
      if (matched[d] === 0) docs.push(d);
      scores[d] += c.multi ? sum[d] * (cnt[d] / exp) : sum[d];
      matched[d]++;
      sum[d] = 0;
      cnt[d] = 0;
    }
  }
  for (const d of docs) scores[d] *= matched[d] / clauses.length;
  // est: at least as many documents as the word matches, known before
  // its shards with meta.bin's dictionary.
  const est = plan ? plan.words.reduce((n, { e }) => n + e.docs, 0) : docs.length;
  return { term, kind, scores, docs, shards, expansions, est };
}

// suggest returns queries to try when the words match nothing, as
// Index.suggest in index.go: each unknown word replaced by the nearest
// word of the dictionary with the same first character (fewest edits up
// to its fuzziness + 1, then most documents, then first in order) or left
// out; with every word known, each word on its own.
async function suggest(meta, parts) {
  const words = [];
  let changed = false;
  for (const p of parts) {
    if (p.kind === "exact" || p.kind === "prefix") { words.push(p.term); continue; }
    changed = true;
    const max = fuzziness(Array.from(p.term).length) + 1;
    let best = "", bestD = max + 1, bestDF = 0;
    for (const { w, df } of await neighbours(meta, p.term)) {
      const d = distance(p.term, w, max);
      if (d > max) continue;
      const n = df.reduce((a, b) => a + b, 0);
      if (d < bestD || (d === bestD && (n > bestDF || (n === bestDF && w < best)))) { best = w; bestD = d; bestDF = n; }
    }
    if (best !== "") words.push(best);
  }
  if (changed) return words.length === 0 ? [] : [words.join(" ")];
  if (words.length < 2) return [];
  return words.filter((w, i) => i === 0 || w !== words[i - 1]);
}

/** tokens returns the terms the index makes of text, as bleve does. */
export async function tokens(text) {
  const meta = await loadMeta();
  return analyze(text, meta.foldMap, meta.classTable);
}

/**
 * info describes the index: the number of documents and, per facet, its
 * values with their labels, in label order.
 */
export async function info() {
  const meta = await loadMeta();
  return {
    docs: meta.docs,
    facets: meta.facets.map((f) => ({ name: f.name, values: f.values.map((v, i) => ({ value: v, label: f.labels[i] })) })),
  };
}

/**
 * search answers a query: {total, results, facets, fuzzy, suggest}.
 * results are cards ({type: "partner"|"person", id, name, url, tier,
 * location, ...}), the best first; facets maps each facet to {value:
 * count}; fuzzy lists the words matched with typos forgiven; suggest,
 * queries to try when the words match nothing.
 */
export async function search(query = "", { filters = {}, limit = 10 } = {}) {
  const meta = await loadMeta();
  const terms = analyze(query, meta.foldMap, meta.classTable);
  const active = [];
  meta.facets.forEach((f, fi) => {
    const want = filters[f.name];
    if (!want || want.length === 0) return;
    const accept = new Set((Array.isArray(want) ? want : [want]).map((v) => f.values.indexOf(String(v))));
    active.push({ fi, accept });
  });

  // With meta.bin's dictionary, every file the words need is known now:
  // their shards, and, when the documents' facet values will be needed
  // (several words, or filters), the side files of the rarest word's
  // index words: with filters, the groups of the filters' facets (the
  // others wait to know whether any document passes); without, every
  // group, but for two common words, which may find their shared counts
  // in their shards. All of them are fetched at once.
  const plans = terms.map((t, i) => lookup(meta, t, i === terms.length - 1));
  const filterGroups = meta.groups.map((g, i) => i).filter((i) => active.some((a) => meta.groups[i].includes(a.fi)));
  if (meta.dict && terms.length > 0 && (terms.length > 1 || active.length > 0) && !plans.some((p) => p.kind === "none")) {
    const est = plans.map((p) => p.words.reduce((n, { e }) => n + e.docs, 0));
    const rarest = plans[est.indexOf(Math.min(...est))];
    const pair = active.length === 0 && plans.length === 2 && plans.every((p) => p.words.length === 1 && p.words[0].e.side >= 0);
    const groups = active.length > 0 ? filterGroups : pair ? [] : meta.groups.map((_, g) => g);
    for (const { e } of rarest.words) for (const f of sideFiles(e, groups)) loadContainer(f).catch(() => {});
  }
  let parts = [];
  if (terms.length > 0) {
    parts = await Promise.all(terms.map((t, i) => word(meta, t, i === terms.length - 1, plans[i])));
  }
  const fuzzy = parts.filter((p) => p.kind === "fuzzy").map((p) => p.term);
  // Matching documents and their scores; null: every document.
  let docs = null, score = null;
  if (parts.some((p) => p.kind === "none")) {
    docs = [];
    score = new Float64Array(meta.docs);
  } else if (parts.length === 1) {
    docs = parts[0].docs;
    score = parts[0].scores;
  } else if (parts.length > 1) {
    const byDocs = [...parts].sort((a, b) => a.docs.length - b.docs.length);
    score = new Float64Array(meta.docs);
    docs = [];
    for (const d of byDocs[0].docs) {
      let total = 0, all = true;
      for (const p of parts) {
        const s = p.scores[d];
        if (s === 0) { all = false; break; }
        total += s;
      }
      if (all) { docs.push(d); score[d] = total; }
    }
  }
  const suggestions = parts.length > 0 && docs.length === 0 ? await suggest(meta, parts) : [];

  // tally counts facet values over the matching documents (a facet's
  // counts take every filter but its own into account) and returns the
  // documents that pass every filter, and, as a promise, the counts: a
  // facet without a filter counts only the documents that pass, so its
  // values are fetched (beside the cards) only when some do.
  const tally = async () => {
    // Every matching document's facet values: from the word with the
    // fewest documents (each matching document is among them), or, with
    // no words, from the documents of each chosen filter value.
    const tupleOf = new Map();
    let universe, own = null, rest = async () => {};
    if (docs !== null) {
      // The first of the fewest, as the prefetch above chose it.
      const rarest = parts.reduce((a, p) => (p.est < a.est ? p : a));
      if (active.length === 0 && parts.length === 1) {
        const u = await unionCounts(meta, rarest);
        if (u) return { pass: docs, fc: u };
      }
      if (active.length === 0 && parts.every((p) => p.expansions.length === 1)) {
        // Every match is a document of one common word (the others hold
        // all of its documents): its stored counts are the answer. Or
        // two words that go together stored their shared counts.
        for (const p of parts) {
          const [s, k] = p.expansions[0];
          if (p.docs.length === docs.length && s.counts[k] >= 0) return { pass: docs, fc: counts(s, s.counts[k]) };
        }
        const u = parts.length === 2 ? pairCounts(parts[0].expansions[0], parts[1].expansions[0]) : null;
        if (u) return { pass: docs, fc: u };
      }
      const groups = active.length > 0 ? filterGroups : meta.groups.map((_, g) => g);
      await Promise.all(rarest.expansions.map(([s, k]) => termTuples(meta, s, k, tupleOf, groups)));
      const others = meta.groups.map((_, g) => g).filter((g) => !groups.includes(g));
      rest = () => Promise.all(rarest.expansions.map(([s, k]) => termTuples(meta, s, k, tupleOf, others)));
      universe = docs;
    } else {
      // The documents of the chosen values of the facet with the fewest:
      // every result is among them, and every document that fails only
      // another facet's filter.
      const size = (a) => [...a.accept].reduce((n, v) => n + (meta.facets[a.fi].counts[v] ?? 0), 0);
      const driver = [...active].sort((a, b) => size(a) - size(b))[0];
      const all = new Set();
      const load = async (a) => {
        const files = await Promise.all([...a.accept].filter((v) => v >= 0).map((v) => loadContainer(`w/${a.fi}/${v}.bin`)));
        for (const c of files) {
          const at = { i: 0 }, list = [];
          let d = 0;
          for (let n = 0; n < c.header.docs; n++) { d += uvarint(c.payload, at); list.push(d); all.add(d); }
          tuples(c.payload, at.i, list, tupleOf);
        }
      };
      // The driver's own counts need the documents that fail only its
      // filter: the stored counts of the one other value chosen, or the
      // other facets' documents.
      const others = active.filter((a) => a !== driver);
      if (others.length === 1 && others[0].accept.size === 1 && [...others[0].accept][0] >= 0) {
        const v = [...others[0].accept][0];
        own = loadContainer(`v/${others[0].fi}/${v}.bin`).then((c) => ({ fi: driver.fi, counts: c.header.counts[driver.fi] }));
        await load(driver);
      } else {
        await Promise.all(active.map(load));
      }
      universe = [...all].sort((a, b) => a - b);
    }
    // Which filters each document fails: none (it passes), one (it
    // counts for that facet only) or more (it counts nowhere).
    const pass = [], failsOne = [];
    for (const d of universe) {
      const t = tupleOf.get(d);
      let fails = -1, out = false;
      for (const o of active) {
        if (t[o.fi].some((v) => o.accept.has(v))) continue;
        if (fails !== -1) { out = true; break; }
        fails = o.fi;
      }
      if (out) continue;
      if (fails === -1) pass.push(d); else failsOne.push([d, fails]);
    }
    const fc = (async () => {
      if (pass.length > 0) await rest();
      const tallies = meta.facets.map((f) => new Uint32Array(f.values.length));
      for (const d of pass) {
        const t = tupleOf.get(d);
        for (let fi = 0; fi < FACETS; fi++) for (const v of t[fi]) tallies[fi][v]++;
      }
      for (const [d, fi] of failsOne) for (const v of tupleOf.get(d)[fi]) tallies[fi][v]++;
      const fc = tallies.map((t) => new Map([...t.entries()].filter(([, c]) => c > 0)));
      // With one facet chosen and no words, that facet's counts are the
      // whole directory's.
      if (docs === null && active.length === 1) {
        fc[active[0].fi] = new Map(meta.facets[active[0].fi].counts.map((c, v) => [v, c]));
      }
      if (own) {
        const o = await own;
        const m = new Map();
        for (let i = 0; i < o.counts.length; i += 2) m.set(o.counts[i], o.counts[i + 1]);
        fc[o.fi] = m;
      }
      return fc;
    })();
    fc.catch(() => {});
    return { pass, fc };
  };

  let hits, facetCounts, counting = null;
  const single = parts.length === 1 && parts[0].expansions.length === 1 ? parts[0].expansions[0] : null;
  if (active.length === 0 && (docs === null || docs.length === 0)) {
    facetCounts = docs === null ? meta.facets.map((f) => new Map(f.counts.map((c, v) => [v, c]))) : meta.facets.map(() => new Map());
    hits = docs;
  } else if (active.length === 0 && single && single[0].counts[single[1]] >= 0) {
    // A common word's counts, stored with it.
    facetCounts = counts(single[0], single[0].counts[single[1]]);
    hits = docs;
  } else if (docs === null && active.length === 1 && active[0].accept.size === 1 && [...active[0].accept][0] >= 0 &&
    limit <= (meta.firstDocs ?? 0)) {
    // One value chosen, no words: its stored counts and first documents.
    const a = active[0], v = [...a.accept][0];
    const c = (await loadContainer(`v/${a.fi}/${v}.bin`)).header;
    facetCounts = c.counts.map((pairs) => {
      const m = new Map();
      for (let i = 0; i < pairs.length; i += 2) m.set(pairs[i], pairs[i + 1]);
      return m;
    });
    facetCounts[a.fi] = new Map(meta.facets[a.fi].counts.map((n, x) => [x, n]));
    hits = c.first.slice(0, Math.max(0, limit));
    hits.total = c.docs;
  } else if (active.length === 0) {
    // No filters: every match is a result, and the cards can come while
    // the counts are made.
    hits = docs;
    counting = tally().then((t) => t.fc);
  } else {
    // The cards can come while the counts of the facets without a
    // filter are made.
    const t = await tally();
    hits = t.pass;
    counting = t.fc;
  }

  let total, top;
  if (hits === null) {
    total = meta.docs;
    top = [];
    for (let d = 0; d < Math.min(meta.docs, Math.max(0, limit)); d++) top.push(d);
  } else {
    total = hits.total ?? hits.length;
    if (score !== null) hits.sort((a, b) => score[b] - score[a] || a - b);
    top = hits.slice(0, Math.max(0, limit));
  }

  const inline = new Map();
  for (const p of parts) for (const s of p.shards) for (const [d, c] of Object.entries(s.cards)) inline.set(+d, c);
  // Rows, made cards only for the results below.
  const groups = [...new Set(top.filter((d) => !inline.has(d)).map((d) => Math.floor(d / meta.cardGroup)))];
  const loaded = new Map(await Promise.all(groups.map(async (g) => [g, await loadCards(g)])));
  const results = top.map((d) => {
    const c = card(inline.get(d) ?? loaded.get(Math.floor(d / meta.cardGroup))[d % meta.cardGroup]);
    return score === null ? c : { ...c, score: score[d] };
  });
  if (counting) facetCounts = await counting;

  const facets = {};
  meta.facets.forEach((f, fi) => {
    const out = {};
    f.values.forEach((v, i) => { const c = facetCounts[fi].get(i); if (c > 0) out[v] = c; });
    facets[f.name] = out;
  });
  return { total, results, facets, fuzzy, suggest: suggestions };
}

/** example is a query that finds something, for a search box's placeholder. */
export async function example() {
  return (await loadMeta()).example;
}
