// accredit: the directory home's search, over the static index in
// search/ (see search/accredit-search.js). Without scripts this section
// stays hidden and the browse pages do the job.
//
// Results come as one types; facet checkboxes narrow them (any value of a
// facet, every facet); the query and filters live in the page's URL, so a
// search can be shared or bookmarked.
import { search, info, example } from "../search/accredit-search.js";

const section = document.getElementById("search");
const LIMIT = 24;

if (section) start().catch((err) => {
  // The browse pages still work; say why search does not.
  console.warn("accredit search unavailable:", err);
});

async function start() {
  const input = section.querySelector("#search-q");
  const form = section.querySelector("form");
  const count = section.querySelector(".search-count");
  const facetsBox = section.querySelector(".search-facets");
  const list = section.querySelector(".search-results");
  const directory = document.querySelector(".directory");
  const body = section.querySelector(".search-body");
  const empty = section.querySelector(".search-empty");
  const meta = await info();
  // The placeholder's example is one the index answers.
  const ex = await example();
  if (ex) input.placeholder = `e.g. ${ex}`;
  // What to try when nothing matches: the advice above the page's own
  // "Clear the search and filters".
  const advice = empty.querySelector(".search-advice");
  // What the facets' numbers count: partners and people both, unless the
  // "Show" facet keeps one kind (its own numbers are of each kind).
  const counted = section.querySelector(".facets-counted");
  section.hidden = false;
  const order = staticOrder();

  // State from the URL: ?q=words&tier=gold&country=DE&country=FR
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const f of meta.facets) {
    const vs = params.getAll(f.name).filter((v) => f.values.some((x) => x.value === v));
    if (vs.length) filters[f.name] = vs;
  }
  input.value = params.get("q") ?? "";

  // One fieldset per facet, built once, each in a disclosure (the short
  // ones open); counts change with each answer.
  const boxes = new Map();
  for (const f of meta.facets) {
    if (f.values.length < 2 && !filters[f.name]) continue;
    const group = document.createElement("details");
    group.className = "facet";
    group.open = OPEN.has(f.name) || Boolean(filters[f.name]);
    const summary = document.createElement("summary");
    summary.textContent = facetTitle(f.name);
    group.append(summary);
    const fs = document.createElement("fieldset");
    fs.className = "search-facet";
    const legend = document.createElement("legend");
    legend.className = "visually-hidden";
    legend.textContent = facetTitle(f.name);
    fs.append(legend);
    const ul = document.createElement("ul");
    for (const v of ordered(f, order)) {
      const li = document.createElement("li");
      const id = `f-${f.name}-${v.value}`.replace(/[^A-Za-z0-9_-]/g, "_");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = id;
      box.name = f.name;
      box.value = v.value;
      box.checked = (filters[f.name] ?? []).includes(v.value);
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = v.label;
      const n = document.createElement("span");
      n.className = "n";
      const unit = document.createElement("span");
      unit.className = "visually-hidden";
      li.append(box, " ", label, " ", n, unit);
      ul.append(li);
      boxes.set(id, { li, box, n, unit, facet: f.name, value: v.value });
    }
    fs.append(ul);
    group.append(fs);
    facetsBox.append(group);
  }

  let seq = 0;
  let timer = 0;
  async function run() {
    const mine = ++seq;
    const q = input.value;
    const active = Object.keys(filters).length > 0 || q.trim() !== "";
    const res = await search(q, { filters, limit: LIMIT });
    if (mine !== seq) return; // a newer query is on its way
    writeURL(q);
    if (directory) directory.hidden = active;
    // One panel of filters at a time: the directory's own (partners,
    // linking browse pages) until a search starts, then this one
    // (counts of the results).
    body.hidden = !active;
    list.hidden = !active;
    empty.hidden = !active || res.total > 0;
    count.textContent = active
      ? `${res.total} ${res.total === 1 ? "result" : "results"}${res.total > LIMIT ? `, showing the first ${LIMIT}` : ""}` +
        (res.fuzzy.length && res.total ? `, including close spellings of ${res.fuzzy.map((w) => `“${w}”`).join(", ")}` : "")
      : `${meta.docs} partners and people in the directory`;
    emptyState(active && res.total === 0, res, q);
    const kinds = countedKinds(filters.type);
    if (counted) counted.textContent = `Numbers count matching ${kinds}.`;
    for (const b of boxes.values()) {
      const n = res.facets[b.facet]?.[b.value] ?? 0;
      b.n.textContent = String(n);
      b.unit.textContent = b.facet === "type" ? "" : ` ${kinds}`;
      b.li.hidden = n === 0 && !b.box.checked;
    }
    list.replaceChildren(...(active ? res.results.map(resultItem) : []));
  }
  // emptyState says what to try: a suggested query, fewer filters,
  // other words.
  function emptyState(show, res, q) {
    empty.hidden = !show;
    if (!show) return;
    advice.replaceChildren();
    const p = document.createElement("p");
    if (res.suggest.length) {
      p.append("Did you mean ");
      res.suggest.forEach((s, i) => {
        if (i > 0) p.append(i === res.suggest.length - 1 ? " or " : ", ");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "search-suggest";
        b.textContent = s;
        b.addEventListener("click", () => { input.value = s; input.focus(); run(); });
        p.append(b);
      });
      p.append("?");
      advice.append(p);
    }
    const tips = document.createElement("p");
    const chosen = Object.keys(filters).length;
    tips.textContent = chosen && q.trim()
      ? "Nothing matches these words with the filters chosen: clear a filter, or try fewer or other words."
      : chosen
        ? "No partner or person has all the values chosen: clear a filter."
        : `Nothing matches “${q.trim()}”. Check the spelling. Try fewer words, or search for a partner, a person, a city, a country or a specialty${ex ? ` (e.g. ${ex})` : ""}.`;
    advice.append(tips);
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(() => run().catch((e) => console.warn(e)), 60);
  }
  function writeURL(q) {
    const p = new URLSearchParams();
    if (q.trim()) p.set("q", q);
    for (const [k, vs] of Object.entries(filters)) for (const v of vs) p.append(k, v);
    const s = p.toString() ? `?${p}` : "";
    if (s !== location.search) history.replaceState(null, "", (s || location.pathname) + location.hash);
  }

  section.querySelector("[data-clear-search]").addEventListener("click", () => {
    input.value = "";
    for (const k of Object.keys(filters)) delete filters[k];
    for (const b of boxes.values()) b.box.checked = false;
    run();
    input.focus();
  });
  input.addEventListener("input", soon);
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
  facetsBox.addEventListener("change", (e) => {
    const b = boxes.get(e.target.id);
    if (!b) return;
    const vs = new Set(filters[b.facet] ?? []);
    if (b.box.checked) vs.add(b.value); else vs.delete(b.value);
    if (vs.size) filters[b.facet] = [...vs]; else delete filters[b.facet];
    run();
  });
  await run();
}

// OPEN are the facets whose values show without opening them: few, and
// ranked.
const OPEN = new Set(["type", "tier", "certification"]);

// staticOrder reads the order of the directory's own filter panel, which
// the build writes by meaning (tiers by rank, levels in level order,
// countries by name): facet + "\0" + value -> position.
function staticOrder() {
  const order = new Map();
  for (const a of document.querySelectorAll(".facets [data-facet]")) {
    order.set(a.dataset.facet + "\0" + a.dataset.value, order.size);
  }
  return order;
}

// ordered returns a facet's values in the directory's order; values it
// does not list (regions, industries, people's types) keep the index's.
function ordered(f, order) {
  const at = (v) => order.get(f.name + "\0" + v.value) ?? Infinity;
  return f.values.map((v, i) => [v, i]).sort((a, b) => (at(a[0]) - at(b[0])) || (a[1] - b[1])).map((x) => x[0]);
}

// countedKinds names what a facet's number counts, given the values of
// the "Show" (type) facet chosen.
function countedKinds(types = []) {
  if (types.length === 1 && types[0] === "partner") return "partners";
  if (types.length === 1 && types[0] === "person") return "people";
  return "partners and people";
}

function facetTitle(name) {
  return { type: "Show", tier: "Tier", certification: "Certification", country: "Country", region: "Region", specialty: "Specialty", industry: "Industry" }[name] ?? name;
}

function resultItem(c) {
  const li = document.createElement("li");
  li.className = `result result-${c.type}`;
  const h = document.createElement("h3");
  const a = document.createElement("a");
  a.href = c.url;
  a.textContent = c.name;
  h.append(a);
  li.append(h);
  const line = document.createElement("p");
  const kind = document.createElement("span");
  kind.className = "tag";
  kind.textContent = c.type === "person" ? "Person" : "Partner";
  line.append(kind, " ");
  if (c.tier) {
    const t = document.createElement("span");
    t.className = `tier tier-${c.tierId}`;
    t.textContent = c.tier;
    line.append(t, " ");
  }
  li.append(line);
  const where = [c.type === "person" ? c.partner : "", c.location].filter(Boolean).join(" · ");
  if (where) {
    const p = document.createElement("p");
    p.className = "where";
    p.textContent = where;
    li.append(p);
  }
  const more = c.type === "person" ? c.credentials : c.specialties;
  if (more && more.length) {
    const ul = document.createElement("ul");
    ul.className = "tags";
    ul.setAttribute("aria-label", c.type === "person" ? "Current certifications" : "Specialties");
    for (const m of more) {
      const i = document.createElement("li");
      i.textContent = m;
      ul.append(i);
    }
    li.append(ul);
  }
  if (c.type === "partner") {
    const p = document.createElement("p");
    p.className = "counts";
    p.textContent = c.certified ? `${c.certified} certified ${c.certified === 1 ? "person" : "people"}` : "No current certifications";
    li.append(p);
  }
  return li;
}
