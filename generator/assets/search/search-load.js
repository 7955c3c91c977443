/* Loads qingdan search (search.js, then search-ui.js) only when the reader reaches for it, so a
 * page view that never searches downloads this file alone (docs/decisions/search.md).
 *
 * Reaching for search: focus, a click or typing in the header box, opening it on a phone (the
 * magnifier toggles #__search), the "/" shortcut. The search page loads it at once. What was
 * typed before the engine arrived stays in the box and is searched when search-ui.js starts.
 * Without JavaScript the header form still submits to the search page.
 */
(function () {
  "use strict";

  var base = document.currentScript.src.replace(/search-load\.js(\?.*)?$/, "");
  var loaded = false;

  function load() {
    if (loaded) return;
    loaded = true;
    ["search.js", "search-ui.js"].forEach(function (name) {
      var script = document.createElement("script");
      script.src = base + name;
      script.async = false; // in this order
      document.head.appendChild(script);
    });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function start() {
    var input = document.querySelector("[data-qd-search] [data-qd-search-input]");
    var toggle = document.getElementById("__search");
    if (document.querySelector("[data-qd-search-page]") || (input && document.activeElement === input)) load();
    if (input) ["focus", "pointerdown", "input"].forEach(function (type) { input.addEventListener(type, load); });
    // The overlay opens on focus at once, as search-ui.js opens it, not when the engine has arrived.
    if (input && toggle) input.addEventListener("focus", function () { toggle.checked = true; });
    if (toggle && input) {
      toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); else input.blur(); });
    }
    document.addEventListener("keydown", function (e) {
      if (e.key === "/" && input && !typing(e.target)) {
        e.preventDefault();
        if (toggle) toggle.checked = true;
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
