// accredit: the verification page of a site that publishes its
// credentials in shards ([site] verification = "shards").
//
// One page, /verify/, serves every credential: it takes the id from its
// address (/verify/<ID>/, which the host rewrites to this page, or
// /verify/?id=<ID>), fetches the one shard that holds it
// (api/v1/credentials/shards/<key>.json.gz, key = the id's leading bits,
// as credid.ShardKey computes them) and shows the same facts as a
// verification page of pages mode; site.js computes the status as of the
// visitor's date from them. On the site's 404 page (GitHub Pages, S3:
// served for any address that is no file), it sends /verify/<ID>/ on to
// /verify/?id=<ID>.
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var base = document.documentElement.getAttribute("data-base") || "/";

  // idInPath returns the id of an address base + "verify/<ID>/", or "".
  function idInPath() {
    var p = decodeURIComponent(location.pathname);
    if (p.indexOf(base + "verify/") !== 0) return "";
    var rest = p.slice(base.length + 7).replace(/\/(index\.html)?$/, "");
    return /^[0-9A-Za-z-]{12,16}$/.test(rest) ? rest : "";
  }

  var form = document.getElementById("lookup");
  if (!form || !form.hasAttribute("data-shards")) {
    var id = idInPath();
    if (id) location.replace(base + "verify/?id=" + encodeURIComponent(id));
    return;
  }
  var dir = form.getAttribute("data-shards");
  var bits = +form.getAttribute("data-bits");
  var input = document.getElementById("credential-id");
  var out = document.getElementById("lookup-result");
  var card = document.getElementById("credential");

  // shardKey is credid.ShardKey: the first ceil(bits/5) symbols of the
  // id, the bits past the prefix cleared in the last.
  function shardKey(id) {
    var s = id.replace(/-/g, ""), n = Math.ceil(bits / 5), key = "";
    for (var i = 0; i < n; i++) {
      var v = ALPHABET.indexOf(s.charAt(i));
      if (i === n - 1) {
        var drop = 5 * n - bits;
        v = (v >> drop) << drop;
      }
      key += ALPHABET.charAt(v);
    }
    return key;
  }

  function say(msg, bad) {
    out.textContent = msg;
    out.className = "lookup-result" + (bad ? " bad" : "");
    input.setAttribute("aria-invalid", bad ? "true" : "false");
  }

  // gunzip returns the bytes of a gzip file, or buf itself when a host
  // already undid the compression (Content-Encoding).
  function gunzip(buf) {
    var b = new Uint8Array(buf);
    if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return Promise.resolve(b);
    return new Response(new Response(b).body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }

  var shards = {};

  function fetchShard(key) {
    if (!shards[key]) {
      shards[key] = fetch(dir + key + ".json.gz").then(function (res) {
        if (res.status === 404) return {};
        if (!res.ok) throw new Error("the server answered " + res.status);
        return res.arrayBuffer().then(gunzip).then(function (b) {
          return JSON.parse(new TextDecoder().decode(b));
        });
      });
      shards[key].catch(function () { delete shards[key]; });
    }
    return shards[key];
  }

  function field(name) { return card.querySelector('[data-field="' + name + '"]'); }

  function text(name, value) { field(name).textContent = value || ""; }

  function link(name, href, label) {
    var el = field(name);
    el.textContent = "";
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    el.appendChild(a);
  }

  function row(name, shown) {
    var els = card.querySelectorAll('[data-row="' + name + '"]');
    for (var i = 0; i < els.length; i++) els[i].hidden = !shown;
  }

  function show(c) {
    document.title = c.name + ": " + c.holder + " \u00b7 " + document.title.replace(/^.*\u00b7 /, "");
    text("name", c.name);
    text("holder", c.holder);
    if (c.partner) link("partner", base + "partners/" + encodeURIComponent(c.partner) + "/", c.partner_name);
    else text("partner", "A partner not listed in the directory");
    text("certification", c.name + ", " + c.level_name + " level (" + c.track_name + " track)");
    text("issued", c.issued);
    text("expires", c.expires);
    text("id", c.id);
    text("revoked", c.revoked);
    row("revoked", !!c.revoked);
    if (c.renews) link("renews", base + "verify/" + c.renews + "/", c.renews);
    row("renews", !!c.renews);
    if (c.renewed_by) {
      link("renewed_by", base + "verify/" + c.renewed_by + "/", c.renewed_by);
      field("renewed_by").appendChild(document.createTextNode(" on " + c.renewed_on));
    }
    row("renewed_by", !!c.renewed_by);
    var st = card.querySelector(".status");
    st.setAttribute("data-status", "");
    st.setAttribute("data-issued", c.issued);
    st.setAttribute("data-expires", c.expires);
    st.setAttribute("data-revoked", c.revoked || "");
    st.setAttribute("data-renewed-on", c.renewed_on || "");
    st.setAttribute("data-grace", c.grace_days);
    st.setAttribute("data-streamlined", c.streamlined_days);
    card.hidden = false;
    window.accredit.updateStatuses();
  }

  function lookup(value) {
    var r = window.accredit.normalize(value);
    card.hidden = true;
    if (r.error) { say(r.error, true); input.focus(); return; }
    input.value = r.id;
    say("Looking up " + r.id + "\u2026", false);
    fetchShard(shardKey(r.id)).then(function (shard) {
      var c = Object.prototype.hasOwnProperty.call(shard, r.id) ? shard[r.id] : null;
      if (!c) {
        say("No credential with the id " + r.id + " exists. Check the id with its holder.", true);
        return;
      }
      say("", false);
      show(c);
    }, function (err) {
      say("The lookup failed (" + err.message + "): check your connection and try again.", true);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    lookup(input.value);
    var r = window.accredit.normalize(input.value);
    if (!r.error && history.replaceState) history.replaceState(null, "", base + "verify/?id=" + r.id);
  });
  var id = idInPath() || new URLSearchParams(location.search).get("id");
  if (id) {
    input.value = id;
    lookup(id);
  }
})();
