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
const VERSION = 1;

let metaPromise = null;
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

function container(buf) {
  const n = buf[0] | (buf[1] << 8) | (buf[2] << 16) | (buf[3] << 24);
  return { header: JSON.parse(utf8.decode(buf.subarray(4, 4 + n))), payload: buf.subarray(4 + n) };
}

function loadMeta() {
  if (!metaPromise) {
    metaPromise = fetchBin("meta.bin").then((buf) => {
      const { header: meta, payload } = container(buf);
      if (meta.version !== VERSION) throw new Error(`accredit-search: index version ${meta.version}, client ${VERSION}`);
      for (const f of meta.facets) {
        const col = new Uint32Array(meta.docs);
        let p = f.offset;
        for (let d = 0; d < meta.docs; d++) {
          let v = 0, shift = 0, b;
          do { b = payload[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
          col[d] = v;
        }
        f.column = col;
      }
      meta.foldMap = new Map(Object.entries(meta.folds));
      return meta;
    });
    metaPromise.catch(() => { metaPromise = null; });
  }
  return metaPromise;
}

function loadShard(i) {
  let p = shardPromises.get(i);
  if (!p) {
    p = fetchBin(`t/${i}.bin`).then((buf) => {
      const { header, payload } = container(buf);
      header.payload = payload;
      header.byTerm = new Map(header.terms.map((t, k) => [t, k]));
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

function postings(shard, f, k) {
  const out = [];
  const p = shard.payload;
  let at = shard.post[f][k], doc = 0;
  const end = shard.post[f][k + 1];
  while (at < end) {
    let v = 0, shift = 0, b;
    do { b = p[at++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    doc += v;
    v = 0; shift = 0;
    do { b = p[at++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    out.push(doc, v);
  }
  return out;
}

// fieldScores adds to sum and count one field's scores for the terms k
// of a shard that match, as bleve scores a term (BM25 times idf and the
// field's boost: the query's norm is the same for every document).
function fieldScores(meta, shard, f, ks, sum, count) {
  for (const k of ks) {
    if (shard.df[f][k] === 0) continue;
    const w = meta.boosts[f] * shard.idf[f][k] * shard.idf[f][k];
    const post = postings(shard, f, k);
    for (let i = 0; i < post.length; i += 2) {
      const d = post[i];
      sum.set(d, (sum.get(d) ?? 0) + w * meta.sat[post[i + 1]]);
      count.set(d, (count.get(d) ?? 0) + 1);
    }
  }
}

// word returns doc -> score for one word of the query, matched in every
// field: a disjunction, as in bleve, whose score is the sum over the
// fields that match times the share of fields that match (coord). The
// last word matches as a prefix: in each field, a disjunction over the
// words that start with it, with its own coord.
async function word(meta, term, isPrefix) {
  const first = shardOf(meta, term);
  const wanted = [first];
  if (isPrefix) {
    for (let i = first + 1; i < meta.shards.length && meta.shards[i].startsWith(term); i++) wanted.push(i);
  }
  const shards = await Promise.all(wanted.map(loadShard));
  const fields = meta.fields.length;
  const total = new Map(), fieldsMatched = new Map();
  for (let f = 0; f < fields; f++) {
    const sum = new Map(), count = new Map();
    let expansions = 0;
    for (const shard of shards) {
      let ks;
      if (isPrefix) {
        ks = [];
        shard.terms.forEach((t, k) => { if (t.startsWith(term) && shard.df[f][k] > 0) ks.push(k); });
      } else {
        const k = shard.byTerm.get(term);
        ks = k === undefined ? [] : [k];
      }
      expansions += ks.filter((k) => shard.df[f][k] > 0).length;
      fieldScores(meta, shard, f, ks, sum, count);
    }
    for (const [d, s] of sum) {
      const v = isPrefix ? s * (count.get(d) / expansions) : s;
      total.set(d, (total.get(d) ?? 0) + v);
      fieldsMatched.set(d, (fieldsMatched.get(d) ?? 0) + 1);
    }
  }
  const scores = new Map();
  for (const [d, s] of total) scores.set(d, s * (fieldsMatched.get(d) / fields));
  return { scores, shards };
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
  let scores = null; // null: every document, in order
  const shards = [];
  if (terms.length > 0) {
    const parts = await Promise.all(terms.map((t, i) => word(meta, t, i === terms.length - 1)));
    parts.sort((a, b) => a.scores.size - b.scores.size);
    scores = new Map();
    for (const [d, s] of parts[0].scores) {
      let total = s, all = true;
      for (let i = 1; i < parts.length && all; i++) {
        const o = parts[i].scores.get(d);
        if (o === undefined) all = false; else total += o;
      }
      if (all) scores.set(d, total);
    }
    for (const p of parts) shards.push(...p.shards);
  }

  // Filters: per facet, which value sets pass.
  const active = [];
  for (const f of meta.facets) {
    const want = filters[f.name];
    if (!want || want.length === 0) continue;
    const accept = new Set((Array.isArray(want) ? want : [want]).map((v) => f.values.indexOf(String(v))));
    active.push({ f, ok: f.sets.map((set) => set.some((v) => accept.has(v))) });
  }
  const counts = meta.facets.map((f) => new Uint32Array(f.values.length));
  const hits = [];
  const visit = (d) => {
    let fails = -1;
    for (const a of active) {
      if (a.ok[a.f.column[d]]) continue;
      if (fails !== -1) return;
      fails = a.f;
    }
    meta.facets.forEach((f, fi) => {
      if (fails !== -1 && fails !== f) return;
      for (const v of f.sets[f.column[d]]) counts[fi][v]++;
    });
    if (fails === -1) hits.push(d);
  };
  if (scores === null) {
    for (let d = 0; d < meta.docs; d++) visit(d);
  } else {
    for (const d of scores.keys()) visit(d);
    hits.sort((a, b) => scores.get(b) - scores.get(a) || a - b);
  }

  const top = hits.slice(0, Math.max(0, limit));
  const inline = new Map();
  for (const s of shards) for (const [d, c] of Object.entries(s.cards)) inline.set(+d, c);
  const groups = [...new Set(top.filter((d) => !inline.has(d)).map((d) => Math.floor(d / meta.cardGroup)))];
  const loaded = new Map(await Promise.all(groups.map(async (g) => [g, await loadCards(g)])));
  const results = top.map((d) => {
    const card = inline.get(d) ?? loaded.get(Math.floor(d / meta.cardGroup))[d % meta.cardGroup];
    return scores === null ? { ...card } : { ...card, score: scores.get(d) };
  });

  const facets = {};
  meta.facets.forEach((f, fi) => {
    const out = {};
    f.values.forEach((v, i) => { if (counts[fi][i] > 0) out[v] = counts[fi][i]; });
    facets[f.name] = out;
  });
  return { total: hits.length, results, facets };
}
