// accredit: the two things a static page cannot do alone.
// 1. Show a credential's status as of the visitor's own date, computed from
//    its dates and the program's policy, so a page never goes stale.
// 2. Check a typed credential id (its check symbol catches typos) and go to
//    its verification page, or say that no such credential exists.
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var LABELS = {
    active: "Active", grace: "In grace period", lapsed: "Lapsed",
    expired: "Expired", renewed: "Renewed", revoked: "Revoked"
  };

  function parseDate(s) {
    if (!s) return null;
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000 : null;
  }

  function today() {
    var d = new Date();
    return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86400000;
  }

  function iso(days) {
    return new Date(days * 86400000).toISOString().slice(0, 10);
  }

  // status follows PROGRAM-FORMAT.md section 8: first match wins.
  function status(el, d) {
    var revoked = parseDate(el.getAttribute("data-revoked"));
    var renewedOn = parseDate(el.getAttribute("data-renewed-on"));
    var expires = parseDate(el.getAttribute("data-expires"));
    var grace = +el.getAttribute("data-grace") || 0;
    var streamlined = +el.getAttribute("data-streamlined") || 0;
    if (revoked !== null && revoked <= d) return "revoked";
    if (renewedOn !== null && renewedOn <= d) return "renewed";
    if (d < expires) return "active";
    if (d < expires + grace) return "grace";
    if (d < expires + streamlined) return "lapsed";
    return "expired";
  }

  function updateStatuses() {
    var d = today();
    var els = document.querySelectorAll("[data-status]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (parseDate(el.getAttribute("data-expires")) === null) continue;
      var s = status(el, d);
      el.textContent = LABELS[s];
      el.className = "status status-" + s;
      var asOf = el.parentNode.querySelector(".as-of");
      if (asOf) {
        asOf.textContent = "";
        asOf.appendChild(document.createTextNode("today, "));
        var t = document.createElement("time");
        t.setAttribute("datetime", iso(d));
        t.textContent = iso(d);
        asOf.appendChild(t);
      }
    }
  }

  // normalize returns the canonical id, or an error message.
  function normalize(input) {
    var s = input.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
    if (s.length !== 12) return { error: "A credential id has 12 letters and digits; this one has " + s.length + "." };
    var vals = [];
    for (var i = 0; i < 12; i++) {
      var v = ALPHABET.indexOf(s.charAt(i));
      if (v < 0) return { error: "\u201c" + s.charAt(i) + "\u201d cannot appear in a credential id." };
      vals.push(v);
    }
    var sum = 0, factor = 2;
    for (var j = 10; j >= 0; j--) {
      var a = factor * vals[j];
      sum += Math.floor(a / 32) + (a % 32);
      factor = 3 - factor;
    }
    if (ALPHABET.charAt((32 - (sum % 32)) % 32) !== s.charAt(11)) {
      return { error: "This id contains a typing mistake: its check symbol does not match. Please compare it with the original." };
    }
    return { id: s.slice(0, 4) + "-" + s.slice(4, 8) + "-" + s.slice(8) };
  }

  function setupLookup() {
    var form = document.getElementById("lookup");
    if (!form) return;
    var input = document.getElementById("credential-id");
    var out = document.getElementById("lookup-result");
    var base = document.documentElement.getAttribute("data-base") || "/";
    function say(msg, bad) {
      out.textContent = msg;
      out.className = "lookup-result" + (bad ? " bad" : "");
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    }
    var q = new URLSearchParams(window.location.search).get("id");
    if (q) input.value = q;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var r = normalize(input.value);
      if (r.error) { say(r.error, true); input.focus(); return; }
      input.value = r.id;
      say("Looking up " + r.id + "\u2026", false);
      fetch(base + "api/v1/credentials/" + r.id + ".json", { method: "HEAD" }).then(function (res) {
        if (res.ok) { window.location.href = base + "verify/" + r.id + "/"; return; }
        if (res.status === 404) {
          say("No credential with the id " + r.id + " exists. Check the id with its holder.", true);
          return;
        }
        say("The lookup failed (the server answered " + res.status + "): try again, or open " + base + "verify/" + r.id + "/ directly.", true);
      }, function () {
        say("The lookup failed: check your connection and try again.", true);
      });
    });
    if (q) form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
  }

  function init() {
    updateStatuses();
    setupLookup();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
