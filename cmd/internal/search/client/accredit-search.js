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
// Unicode word boundaries, lower case), and results are ranked by the
// same BM25 scores, ties by the directory's order (tier, then name). An
// empty query browses in that order. A facet's counts take every filter
// but its own into account, so other values of a chosen facet stay
// visible. See content/docs/search.md.

const base = new URL("./", import.meta.url);
const VERSION = 2;

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

// Word-break classes of UAX #29, as far as bleve's segmenter uses them.
const LETTER = 1, NUMERIC = 2, KATAKANA = 3, EXTENDNUMLET = 4, MIDLETTER = 5,
  MIDNUMLET = 6, MIDNUM = 7, EXTEND = 8, IDEO = 9, OTHER = 0;

const reHan = /\p{Script=Han}/u;
const reHiragana = /\p{Script=Hiragana}/u;
const reKatakana = /[\p{Script=Katakana}\u30FC\u3031-\u3035\u309B\u309C\u30A0\uFF70\uFF9E\uFF9F]/u;
const reLetter = /[\p{L}\p{Nl}]/u;
const reNumeric = /\p{Nd}/u;
const reExtend = /[\p{Mn}\p{Me}\p{Mc}\p{Cf}\u200D]/u;
const reExtendNumLet = /\p{Pc}/u;
const MIDLETTERS = new Set([":", "\u00B7", "\u0387", "\u05F4", "\u2027", "\uFE13", "\uFE55", "\uFF1A"]);
const MIDNUMLETS = new Set([".", "'", "\u2018", "\u2019", "\u2024", "\uFE52", "\uFF07", "\uFF0E"]);
const MIDNUMS = new Set([",", ";", "\u037E", "\u0589", "\u060C", "\u060D", "\u066C", "\u07F8", "\u2044", "\uFE10", "\uFE14", "\uFE50", "\uFE54", "\uFF0C", "\uFF1B"]);

function wordClass(ch) {
  if (MIDNUMLETS.has(ch)) return MIDNUMLET;
  if (MIDLETTERS.has(ch)) return MIDLETTER;
  if (MIDNUMS.has(ch)) return MIDNUM;
  if (reExtend.test(ch)) return EXTEND;
  if (reHan.test(ch) || reHiragana.test(ch)) return IDEO;
  if (reKatakana.test(ch)) return KATAKANA;
  if (reNumeric.test(ch)) return NUMERIC;
  if (reLetter.test(ch)) return LETTER;
  if (reExtendNumLet.test(ch)) return EXTENDNUMLET;
  return OTHER;
}

function joins(prev, cur) {
  switch (cur) {
    case LETTER: return prev === LETTER || prev === NUMERIC || prev === EXTENDNUMLET;
    case NUMERIC: return prev === NUMERIC || prev === LETTER || prev === EXTENDNUMLET;
    case KATAKANA: return prev === KATAKANA || prev === EXTENDNUMLET;
    case EXTENDNUMLET: return prev === LETTER || prev === NUMERIC || prev === KATAKANA || prev === EXTENDNUMLET;
  }
  return false;
}

function lower(word) {
  const cps = Array.from(word);
  let out = "";
  for (let i = 0; i < cps.length; i++) {
    let l = cps[i].toLowerCase();
    if (Array.from(l).length !== 1) l = cps[i] === "\u0130" ? "i" : cps[i];
    if (l === "σ" && cps[i] !== "σ" && i === cps.length - 1) l = "ς";
    out += l;
  }
  return out;
}

// analyze returns the terms bleve makes of text: ASCII folding (the
// build's table), Unicode word segmentation, lower case.
export function analyze(text, folds) {
  let folded = "";
  for (const ch of String(text)) folded += folds.get(ch) ?? ch;
  // Units: a character with the marks that follow it (WB4).
  const units = [], cls = [];
  for (const ch of folded) {
    const c = wordClass(ch);
    if (c === EXTEND && units.length > 0 && cls[cls.length - 1] !== OTHER) {
      units[units.length - 1] += ch;
      continue;
    }
    units.push(ch);
    cls.push(c === EXTEND ? OTHER : c);
  }
  const terms = [];
  for (let i = 0; i < units.length;) {
    const c = cls[i];
    if (c === IDEO) {
      terms.push(lower(units[i]));
      i++;
      continue;
    }
    if (c !== LETTER && c !== NUMERIC && c !== KATAKANA && c !== EXTENDNUMLET) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < units.length) {
      const prev = cls[j - 1], cur = cls[j];
      if (joins(prev, cur)) { j++; continue; }
      const next = cls[j + 1];
      if (prev === LETTER && (cur === MIDLETTER || cur === MIDNUMLET) && next === LETTER) { j += 2; continue; }
      if (prev === NUMERIC && (cur === MIDNUM || cur === MIDNUMLET) && next === NUMERIC) { j += 2; continue; }
      break;
    }
    let word = "", kept = false;
    for (let k = i; k < j; k++) {
      word += units[k];
      if (cls[k] !== EXTENDNUMLET) kept = true;
    }
    if (kept) terms.push(lower(word));
    i = j;
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
  return analyze(text, (await loadMeta()).foldMap);
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
  const terms = analyze(query, meta.foldMap);
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
