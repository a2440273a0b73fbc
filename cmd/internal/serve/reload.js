// accredit serve: reload this page when the program's site changes,
// keeping the scroll position. Served only by accredit serve, never part
// of a built site.
(function () {
  "use strict";
  var me = document.currentScript;
  var gen = me ? me.getAttribute("data-gen") : null;
  var key = "accredit-serve-scroll:" + location.pathname + location.search;
  if ("scrollRestoration" in history) {
    history.scrollRestoration = "manual";
  }
  function restore() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(key);
      sessionStorage.removeItem(key);
    } catch (e) {}
    if (saved) {
      var xy = saved.split(",");
      window.scrollTo(Number(xy[0]) || 0, Number(xy[1]) || 0);
    }
  }
  if (document.readyState === "complete") {
    restore();
  } else {
    window.addEventListener("load", restore);
  }
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/_accredit/events");
  events.onmessage = function (e) {
    if (e.data === gen) {
      return;
    }
    events.close();
    try {
      sessionStorage.setItem(key, window.scrollX + "," + window.scrollY);
    } catch (err) {}
    location.reload();
  };
})();
