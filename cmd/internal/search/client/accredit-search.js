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
// Every word must match; the last one matches as a prefix. Words are
// folded and split exactly as bleve does at build time (ASCII folding,
// Unicode word boundaries, lower case, with bleve's tables for all of
// Unicode), and results are ranked by the
// same BM25 scores, ties by the directory's order (tier, then name). An
// empty query browses in that order. A facet's counts take every filter
// but its own into account, so other values of a chosen facet stay
// visible. See content/docs/search.md.

const base = new URL("./", import.meta.url);
const VERSION = 3;

let metaPromise = null;
let columnsPromise = null;
const shardPromises = new Map();
const cardPromises = new Map();

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
      const { header: meta } = container(buf);
      if (meta.version !== VERSION) throw new Error(`accredit-search: index version ${meta.version}, client ${VERSION}`);
      meta.foldMap = new Map(Object.entries(meta.folds));
      meta.classTable = classTable(meta.classes);
      return meta;
    });
    metaPromise.catch(() => { metaPromise = null; });
  }
  return metaPromise;
}

// loadColumns fetches every document's facet values, which only searches
// of several words or with filters need.
function loadColumns(meta) {
  if (!columnsPromise) {
    columnsPromise = fetchBin("f.bin").then((buf) => {
      const { header, payload } = container(buf);
      const cols = [];
      for (const f of header.facets) {
        const col = new Uint32Array(meta.docs);
        if (f.from >= 0) {
          // This facet follows from an earlier one (a region from the countries).
          const from = cols[f.from].column;
          for (let d = 0; d < meta.docs; d++) col[d] = f.map[from[d]];
        } else {
          let p = f.offset;
          for (let d = 0; d < meta.docs; d++) {
            let b = payload[p++], v = b & 0x7f;
            for (let shift = 7; b & 0x80; shift += 7) { b = payload[p++]; v |= (b & 0x7f) << shift; }
            col[d] = v;
          }
        }
        cols.push({ sets: f.sets, column: col });
      }
      return cols;
    });
    columnsPromise.catch(() => { columnsPromise = null; });
  }
  return columnsPromise;
}

function loadShard(i) {
  let p = shardPromises.get(i);
  if (!p) {
    p = fetchBin(`t/${i}.bin`).then((buf) => {
      const { header, payload } = container(buf);
      header.payload = payload;
      header.byTerm = new Map(header.terms.map((t, k) => [t, k]));
      header.nfacets = FACETS;
      return header;
    });
    p.catch(() => shardPromises.delete(i));
    shardPromises.set(i, p);
  }
  return p;
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

// word scores one word of the query in every field: a disjunction, as in
// bleve, whose score is the sum over the fields that match times the
// share of fields that match (coord). A field's score for a term is BM25
// times idf and the field's boost (the query's norm is the same for every
// document, so it is left out). The last word matches as a prefix: in
// each field, a disjunction over the words that start with it, with its
// own coord.
async function word(meta, term, isPrefix) {
  const first = shardOf(meta, term);
  const wanted = [first];
  if (isPrefix) {
    for (let i = first + 1; i < meta.shards.length && meta.shards[i].startsWith(term); i++) wanted.push(i);
  }
  const shards = await Promise.all(wanted.map(loadShard));
  const expansions = [];
  for (const shard of shards) {
    if (isPrefix) {
      shard.terms.forEach((t, k) => { if (t.startsWith(term)) expansions.push([shard, k]); });
    } else {
      const k = shard.byTerm.get(term);
      if (k !== undefined) expansions.push([shard, k]);
    }
  }
  const n = meta.docs, nf = meta.fields.length;
  const scores = new Float64Array(n), fields = new Uint8Array(n);
  const sum = new Float64Array(n), cnt = new Uint32Array(n);
  const docs = [];
  for (let f = 0; f < nf; f++) {
    const touched = [];
    let exp = 0;
    for (const [shard, k] of expansions) {
      if (shard.df[f][k] === 0) continue;
      exp++;
      const w = meta.boosts[f] * shard.idf[f][k] * shard.idf[f][k];
      const p = shard.payload, end = shard.post[f][k + 1], sat = meta.sat;
      let i = shard.post[f][k], doc = 0;
      while (i < end) {
        // Two varints, inline: this loop is most of a search's time.
        let b = p[i++], v = b & 0x7f;
        for (let shift = 7; b & 0x80; shift += 7) { b = p[i++]; v |= (b & 0x7f) << shift; }
        doc += v;
        b = p[i++];
        v = b & 0x7f;
        for (let shift = 7; b & 0x80; shift += 7) { b = p[i++]; v |= (b & 0x7f) << shift; }
        if (cnt[doc] === 0) touched.push(doc);
        sum[doc] += w * sat[v];
        cnt[doc]++;
      }
    }
    for (const d of touched) {
      if (fields[d] === 0) docs.push(d);
      scores[d] += isPrefix ? sum[d] * (cnt[d] / exp) : sum[d];
      fields[d]++;
      sum[d] = 0;
      cnt[d] = 0;
    }
  }
  for (const d of docs) scores[d] *= fields[d] / nf;
  return { term, scores, docs, shards, expansions };
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
 * search answers a query: {total, results, facets}. results are cards
 * ({type: "partner"|"person", id, name, url, tier, location, ...}), the
 * best first; facets maps each facet to {value: count}.
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

  let parts = [];
  if (terms.length > 0) {
    parts = await Promise.all(terms.map((t, i) => word(meta, t, i === terms.length - 1)));
  }
  // Matching documents and their scores; null: every document.
  let docs = null, score = null;
  if (parts.length === 1) {
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

  let hits, facetCounts;
  if (active.length === 0 && parts.length <= 1) {
    // Counts without a look at any document: the whole directory's, or
    // those stored with the word (or the prefix) in its shard.
    if (docs === null) {
      facetCounts = meta.facets.map((f) => new Map(f.counts.map((c, v) => [v, c])));
    } else {
      const ex = parts[0].expansions;
      const sh = parts[0].shards[0];
      if (ex.length === 0) facetCounts = meta.facets.map(() => new Map());
      else if (ex.length === 1) facetCounts = counts(ex[0][0], ex[0][0].counts[ex[0][1]]);
      else if (sh.prefixes[parts[0].term] !== undefined) facetCounts = counts(sh, sh.prefixes[parts[0].term]);
    }
    if (facetCounts) hits = docs === null ? null : docs;
  }
  if (!facetCounts) {
    // Count over every matching document: a facet's counts take every
    // filter but its own into account.
    const cols = await loadColumns(meta);
    const oks = active.map((a) => ({ fi: a.fi, col: cols[a.fi].column, ok: cols[a.fi].sets.map((set) => set.some((v) => a.accept.has(v))) }));
    const tallies = meta.facets.map((f) => new Uint32Array(f.values.length));
    hits = [];
    const visit = (d) => {
      let fails = -1;
      for (const o of oks) {
        if (o.ok[o.col[d]]) continue;
        if (fails !== -1) return;
        fails = o.fi;
      }
      for (let fi = 0; fi < cols.length; fi++) {
        if (fails !== -1 && fails !== fi) continue;
        for (const v of cols[fi].sets[cols[fi].column[d]]) tallies[fi][v]++;
      }
      if (fails === -1) hits.push(d);
    };
    if (docs === null) for (let d = 0; d < meta.docs; d++) visit(d);
    else for (const d of docs) visit(d);
    facetCounts = tallies.map((t) => new Map([...t.entries()].filter(([, c]) => c > 0)));
  }

  let total, top;
  if (hits === null) {
    total = meta.docs;
    top = [];
    for (let d = 0; d < Math.min(meta.docs, Math.max(0, limit)); d++) top.push(d);
  } else {
    total = hits.length;
    if (score !== null) hits.sort((a, b) => score[b] - score[a] || a - b);
    top = hits.slice(0, Math.max(0, limit));
  }

  const inline = new Map();
  for (const p of parts) for (const s of p.shards) for (const [d, c] of Object.entries(s.cards)) inline.set(+d, c);
  const groups = [...new Set(top.filter((d) => !inline.has(d)).map((d) => Math.floor(d / meta.cardGroup)))];
  const loaded = new Map(await Promise.all(groups.map(async (g) => [g, await loadCards(g)])));
  const results = top.map((d) => {
    const card = inline.get(d) ?? loaded.get(Math.floor(d / meta.cardGroup))[d % meta.cardGroup];
    return score === null ? { ...card } : { ...card, score: score[d] };
  });

  const facets = {};
  meta.facets.forEach((f, fi) => {
    const out = {};
    f.values.forEach((v, i) => { const c = facetCounts[fi].get(i); if (c > 0) out[v] = c; });
    facets[f.name] = out;
  });
  return { total, results, facets };
}
