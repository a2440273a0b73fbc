// accredit: the two things a static page cannot do alone.
// 1. Show a credential's status as of the visitor's own date, computed from
//    its dates and the program's policy, so a page never goes stale.
// 2. Check a typed credential id (its check symbol catches typos) and go to
//    its verification page, or say that no such credential exists.
// 3. Show the site's as-of date (api/v1/as-of.json) in the footer.
// 4. On a verification page: say what the status means in the heading
//    area and the title, grey out the badge and withdraw the share
//    actions of a credential that is no longer valid; copy its link; bake the signed
//    credential into the badge's PNG for download (Open Badges 3.0
//    baking); copy the e-mail signature.
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

  // human writes a day as the page's own dates are written: in the
  // program's locale (data-locale on <html>), "15 March 2025" in
  // English, as date.Human does on the server.
  var dateFormat = null;
  function human(days) {
    if (!dateFormat) {
      var loc = document.documentElement.getAttribute("data-locale") || "en";
      dateFormat = new Intl.DateTimeFormat(loc === "en" ? "en-GB" : loc, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    }
    return dateFormat.format(new Date(days * 86400000));
  }

  function invalid(s) { return s === "revoked" || s === "expired" || s === "lapsed"; }

  // note is the sentence that says what status s means, as
  // site.StatusNote writes it on the server.
  function note(el, s) {
    var expires = parseDate(el.getAttribute("data-expires"));
    switch (s) {
      case "revoked": return "This credential was revoked on " + human(parseDate(el.getAttribute("data-revoked"))) + ". It is no longer valid.";
      case "renewed": return "This credential was renewed on " + human(parseDate(el.getAttribute("data-renewed-on"))) + ": its renewal, linked below, carries it on.";
      case "active": return "This credential is valid. It expires on " + human(expires) + ".";
      case "grace": return "This credential expired on " + human(expires) + ", but it is in its grace period: it still counts as valid up to and including " +
        human(expires + (+el.getAttribute("data-grace") || 0) - 1) + ", while its holder renews it.";
      case "lapsed": return "This credential expired on " + human(expires) + " and is no longer valid. Its holder can still renew it without starting over, up to and including " +
        human(expires + (+el.getAttribute("data-streamlined") || 0) - 1) + ".";
    }
    return "This credential expired on " + human(expires) + ". It is no longer valid.";
  }

  // showNote rewrites the verification page's heading area as of the
  // visitor's date: the sentence, its role (an alert for a credential
  // no longer valid) and the title.
  function showNote(el, s) {
    var p = document.querySelector("[data-status-note]");
    if (!p) return;
    var text = note(el, s);
    if (p.textContent !== text) p.textContent = text;
    p.className = "status-note status-note-" + s;
    p.setAttribute("role", invalid(s) ? "alert" : "status");
    // The title without the build's prefix ("Revoked – "), then with
    // the visitor's.
    var base = document.title.replace(/^(Revoked|Expired|Lapsed) \u2013 /, "");
    document.title = (invalid(s) ? LABELS[s] + " \u2013 " : "") + base;
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
      if (el.parentNode.classList.contains("status-line")) {
        showBadgeStatus(s);
        showNote(el, s);
      }
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

  // showBadgeStatus greys out the verification page's badge with the
  // status across it, and hides the share actions, for a credential that
  // is revoked, expired or lapsed: the badge image itself is the
  // certification's design and cannot know.
  function showBadgeStatus(s) {
    var fig = document.querySelector("[data-badge]");
    if (fig) {
      fig.className = "badge-figure badge-" + s;
      var overlay = fig.querySelector(".badge-overlay");
      if (overlay) overlay.textContent = LABELS[s];
    }
    var share = document.querySelector("[data-share]");
    if (share) share.hidden = invalid(s);
  }

  var crcTable = null;

  // crc32 is the CRC of PNG chunks (ISO 3309, as zlib's crc32).
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = new Uint32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  var KEYWORD = "openbadgecredential";

  // bake returns the chunks of png (a Uint8Array) with the credential
  // (its JSON text) in an iTXt chunk keyed "openbadgecredential" before
  // IEND, as Open Badges 3.0 specifies: uncompressed, no language tag, no
  // translated keyword, UTF-8 text. A chunk of that keyword already there
  // is replaced: a PNG holds one credential at most.
  function bake(png, credential) {
    var sig = [137, 80, 78, 71, 13, 10, 26, 10];
    for (var i = 0; i < 8; i++) if (png[i] !== sig[i]) throw new Error("the badge image is not a PNG");
    var enc = new TextEncoder();
    var key = enc.encode(KEYWORD), text = enc.encode(credential);
    // keyword, NUL, compression flag 0, method 0, language tag "" NUL,
    // translated keyword "" NUL, text
    var data = new Uint8Array(key.length + 5 + text.length);
    data.set(key, 0);
    data.set(text, key.length + 5);
    var chunk = new Uint8Array(12 + data.length);
    var cv = new DataView(chunk.buffer);
    cv.setUint32(0, data.length);
    chunk.set([0x69, 0x54, 0x58, 0x74], 4); // "iTXt"
    chunk.set(data, 8);
    cv.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));

    var view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    var parts = [png.subarray(0, 8)];
    for (var off = 8; off + 12 <= png.length;) {
      var len = view.getUint32(off);
      var end = off + 12 + len;
      if (end > png.length) break;
      var type = String.fromCharCode(png[off + 4], png[off + 5], png[off + 6], png[off + 7]);
      if (type === "IEND") {
        parts.push(chunk, png.subarray(off, end));
        return parts;
      }
      if (!(type === "iTXt" && hasKeyword(png, off + 8, len, key))) parts.push(png.subarray(off, end));
      off = end;
    }
    throw new Error("the badge image has no end (IEND)");
  }

  function hasKeyword(png, at, len, key) {
    if (len <= key.length || png[at + key.length] !== 0) return false;
    for (var i = 0; i < key.length; i++) if (png[at + i] !== key[i]) return false;
    return true;
  }

  function fetchOK(url, as) {
    return fetch(url).then(function (res) {
      if (!res.ok) throw new Error(url + " answered " + res.status);
      return as === "text" ? res.text() : res.arrayBuffer();
    });
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // signature returns the HTML of an e-mail signature: the
  // certification's square badge linked to this page, its name, issuer
  // and id. A table with inline styles, as mail programs render it. A
  // string, not elements: an element of this page would load the image
  // and apply the styles here, which the page's policy forbids.
  function signature(d) {
    var e = function (name) { return escapeHTML(d.getAttribute("data-" + name)); };
    var url = escapeHTML((document.querySelector('link[rel="canonical"]') || location).href);
    return '<table cellpadding="0" cellspacing="0" border="0"><tr><td style="padding-right:10px">' +
      '<a href="' + url + '"><img src="' + e("img") + '" width="96" height="96" alt="' + e("name") + ", issued by " + e("issuer") +
      '" style="display:block;border:0"></a></td>' +
      '<td style="font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.4;color:#15222e"><strong>' + e("name") +
      "</strong><br>" + e("issuer") + " \u00b7 " + e("id") + '<br><a href="' + url + '" style="color:#0a58a3">Verify this credential</a></td></tr></table>';
  }

  function setupBadge() {
    var button = document.querySelector("[data-bake]");
    if (button) {
      var out = document.querySelector(".bake-status");
      button.addEventListener("click", function () {
        button.disabled = true;
        out.textContent = "Preparing the badge\u2026";
        Promise.all([fetchOK(button.getAttribute("data-png"), "bytes"), fetchOK(button.getAttribute("data-ob3"), "text")]).then(function (r) {
          var blob = new Blob(bake(new Uint8Array(r[0]), r[1].trim()), { type: "image/png" });
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = button.getAttribute("data-file") || "badge.png";
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
          out.textContent = "Downloaded " + a.download + ": the badge image with the signed credential inside.";
        }).catch(function (err) {
          out.textContent = "The badge could not be prepared: " + err.message;
        }).then(function () { button.disabled = false; });
      });
    }
    var sig = document.querySelector("[data-signature]");
    if (sig) {
      document.getElementById("signature-html").value = signature(sig);
      sig.hidden = false;
    }
    var link = document.querySelector("[data-copy-link]");
    if (link) {
      link.addEventListener("click", function () {
        var url = (document.querySelector('link[rel="canonical"]') || location).href;
        var said = document.querySelector(".bake-status");
        var manual = function () { said.textContent = "Copy this link: " + url; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(function () { said.textContent = "Link copied."; }, manual);
        } else {
          manual();
        }
      });
    }
    var copy = document.querySelector("[data-copy]");
    if (copy) {
      copy.addEventListener("click", function () {
        var src = document.getElementById(copy.getAttribute("data-copy"));
        var said = copy.parentNode.querySelector(".copy-status");
        var html = src.value;
        var done = function () { said.textContent = "Copied."; };
        var manual = function () {
          src.focus();
          src.select();
          said.textContent = "Selected: press Ctrl+C (\u2318C) to copy.";
        };
        // As HTML where the browser allows it, so a mail program pastes
        // the signature itself, not its markup.
        if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
          navigator.clipboard.write([new ClipboardItem({
            "text/html": new Blob([html], { type: "text/html" }),
            "text/plain": new Blob([html], { type: "text/plain" })
          })]).then(done, manual);
        } else if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(html).then(done, manual);
        } else {
          manual();
        }
      });
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
    // In shards mode verify.js looks ids up, and shows the credential.
    if (!form || form.hasAttribute("data-shards")) return;
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

  // openFilters opens the filter panels on a wide screen, where they sit
  // beside the results; on a phone they stay a closed disclosure below.
  function openFilters() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 48.01rem)").matches) return;
    var ds = document.querySelectorAll("[data-filters]");
    for (var i = 0; i < ds.length; i++) ds[i].open = true;
  }

  // showAsOf puts the site's as-of date into the footer's link to it.
  // The date is in one file, not in the pages, so that a nightly build
  // rewrites only the pages whose content changed.
  function showAsOf() {
    var a = document.querySelector("[data-as-of]");
    if (!a || !window.fetch) return;
    fetch(a.getAttribute("href")).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (j) {
      if (!j || parseDate(j.as_of) === null) return;
      var t = document.createElement("time");
      t.setAttribute("datetime", j.as_of);
      t.textContent = j.as_of;
      a.textContent = "";
      a.appendChild(t);
    }, function () {});
  }

  // For verify.js, which shows a credential read from its shard.
  window.accredit = { normalize: normalize, updateStatuses: updateStatuses };

  function init() {
    openFilters();
    updateStatuses();
    showAsOf();
    setupLookup();
    setupBadge();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
