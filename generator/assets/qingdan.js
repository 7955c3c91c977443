/* qingdan site behaviour: reading preferences, printing, and the all-items
   table (filter by kind, category, department, township, text; sort by column).
   Plain ES5-compatible script, no dependencies, nothing fetched. */
(function () {
  "use strict";
  var root = document.documentElement;
  var PREFS = { large: "qd-large", contrast: "qd-contrast" };

  function store(key, on) {
    try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) { /* ignore */ }
  }

  function setupPrefs() {
    var buttons = document.querySelectorAll("[data-qd-pref]");
    Array.prototype.forEach.call(buttons, function (button) {
      var cls = PREFS[button.getAttribute("data-qd-pref")];
      button.setAttribute("aria-pressed", root.classList.contains(cls) ? "true" : "false");
      button.addEventListener("click", function () {
        var on = !root.classList.contains(cls);
        root.classList.toggle(cls, on);
        store(cls, on);
        Array.prototype.forEach.call(document.querySelectorAll('[data-qd-pref="' + button.getAttribute("data-qd-pref") + '"]'), function (b) {
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-qd-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function words(value) { return value ? value.split(" ") : []; }

  function setupTable() {
    var form = document.getElementById("qd-filters");
    var table = document.getElementById("qd-all-items");
    if (!form || !table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    form.hidden = false;

    var params = new URLSearchParams(window.location.search);
    ["kind", "category", "department", "township", "q"].forEach(function (name) {
      if (params.get(name) && form.elements[name]) form.elements[name].value = params.get(name);
    });

    function apply() {
      var kind = form.elements.kind.value, category = form.elements.category.value;
      var dept = form.elements.department.value, town = form.elements.township.value;
      var q = form.elements.q.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row, i) {
        var d = row.dataset;
        var towns = words(d.township);
        var ok = (!kind || d.kind === kind) && (!category || d.category === category) &&
          (!dept || words(d.department).indexOf(dept) >= 0) &&
          (!town || towns.indexOf("all") >= 0 || towns.indexOf(town) >= 0) &&
          (!q || texts[i].indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.count.value = "显示 " + shown + " / " + rows.length + " 项";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();

    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var label = th.textContent;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "qd-sort";
      button.textContent = label;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var keyed = rows.map(function (r) { return [r.cells[col].textContent, r]; });
        keyed.sort(function (a, b) {
          var c = a[0].localeCompare(b[0], "zh-CN", { numeric: true });
          return asc ? c : -c;
        });
        var frag = document.createDocumentFragment();
        keyed.forEach(function (k) { frag.appendChild(k[1]); });
        body.appendChild(frag);
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () { setupPrefs(); setupTable(); });
})();
