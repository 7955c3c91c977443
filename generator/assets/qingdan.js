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
        markScrollables();
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

  /* --- 我的乡镇: the reader's township, remembered in localStorage ("qd-township").
     Item pages answer for it at the top (applies here or not, who leads, whom to call);
     the home page and township pages let the reader choose it. The static page already
     names the leading party and links every township's answer page, so nothing is lost
     without JavaScript. --- */
  var TOWN_KEY = "qd-township";

  function myTown() {
    try { return localStorage.getItem(TOWN_KEY) || ""; } catch (e) { return ""; }
  }

  function setMyTown(id) {
    try {
      if (id) localStorage.setItem(TOWN_KEY, id); else localStorage.removeItem(TOWN_KEY);
    } catch (e) { /* storage disabled: the choice lasts for this page only */ }
  }

  function townData(box) {
    var script = box.querySelector("[data-qd-townships]");
    var list = [];
    try { list = JSON.parse(script ? script.textContent : "[]"); } catch (e) { list = []; }
    var byId = {};
    list.forEach(function (t) { byId[t.id] = t; });
    return byId;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function contactLines(t) {
    var out = [];
    var call = (t.office || t.gov) + (t.phone ? "，电话 " + t.phone : "");
    out.push(["找", call]);
    if (t.hours) out.push(["办公时间", t.hours]);
    if (t.address) out.push(["地址", t.address]);
    if (t.note) out.push(["提示", t.note]);
    return out;
  }

  function addLines(parent, lines) {
    lines.forEach(function (pair) {
      var p = el("p");
      p.appendChild(el("strong", "", pair[0] + "："));
      p.appendChild(document.createTextNode(pair[1]));
      parent.appendChild(p);
    });
  }

  function renderAnswer(box, towns) {
    var out = box.querySelector("[data-qd-mine]");
    var id = myTown();
    var t = towns[id];
    out.textContent = "";
    box.querySelector("[data-qd-towns]").hidden = !!t;
    if (!t) return;
    var d = box.dataset;
    if (d.kind === "home") {
      addLines(out, contactLines(t));
    } else {
      out.appendChild(answerFor(d, t, id));
    }
    var more = el("p");
    var link = el("a", "", t.name + "的全部事项和联系方式 →");
    link.href = box.dataset.root + "townships/" + id + "/";
    more.appendChild(link);
    out.appendChild(more);
  }

  function answerFor(d, t, id) {
    var out = document.createDocumentFragment();
    var list = d.townships === "all" ? null : d.townships.split(" ");
    var applies = !list || list.indexOf(id) >= 0;
    var verdict = el("p", "qd-answer__verdict qd-answer__verdict--" + (applies ? "yes" : "no"),
      applies ? t.name + "：本事项适用。" : "本事项不适用于" + t.name + "。");
    out.appendChild(verdict);
    if (applies && d.kind === "lead") {
      addLines(out, [["在" + t.name + "牵头", t.gov + (d.office ? "（" + d.office + "）" : "")]].concat(contactLines(t)));
    } else if (applies && d.kind === "support") {
      addLines(out, [["在" + t.name + "配合", t.gov + (d.office ? "（" + d.office + "）" : "")]].concat(contactLines(t)));
    } else if (!applies) {
      out.appendChild(el("p", "", "请查看下方“适用乡镇”，或咨询上面列出的县级部门。"));
    }
    return out;
  }

  function setupAnswer() {
    var box = document.querySelector("[data-qd-answer]");
    if (!box) return;
    var towns = townData(box);
    var form = box.querySelector("[data-qd-picker]");
    var select = box.querySelector("[data-qd-pick]");
    if (!towns[myTown()]) setMyTown("");
    select.value = myTown();
    form.hidden = false;
    select.addEventListener("change", function () {
      setMyTown(select.value);
      renderAnswer(box, towns);
    });
    renderAnswer(box, towns);
  }

  function setupTownButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-qd-mytown]"), function (wrap) {
      var button = wrap.querySelector("[data-qd-set-town]");
      var id = button.getAttribute("data-qd-set-town");
      function show() {
        var mine = myTown() === id;
        button.setAttribute("aria-pressed", mine ? "true" : "false");
        button.textContent = mine ? "已设为我的乡镇" : "设为我的乡镇";
      }
      wrap.hidden = false;
      button.addEventListener("click", function () {
        setMyTown(myTown() === id ? "" : id);
        show();
      });
      show();
    });
  }

  /* The header search overlay closes once keyboard focus has left it (Tab past the last result). */
  function setupSearchFocus() {
    var box = document.querySelector("[data-qd-search]");
    var toggle = document.getElementById("__search");
    if (!box || !toggle) return;
    box.addEventListener("focusout", function (e) {
      if (toggle.checked && e.relatedTarget && !box.contains(e.relatedTarget)) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
    });
  }

  /* A table or code block wider than the screen scrolls in its own box: that box must be reachable by keyboard,
     and as a region it needs a name of its own (axe landmark-unique): what it is and the section it is in. */
  function markScrollables() {
    var boxes = ".md-typeset__scrollwrap, .qd-table-wrap, .qd-flowchart, .md-typeset pre > code";
    Array.prototype.forEach.call(document.querySelectorAll(boxes), function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", regionName(box));
      }
    });
  }

  function regionName(box) {
    var kind = box.tagName === "CODE" ? "可横向滚动的代码" : box.classList.contains("qd-flowchart") ? "可横向滚动的流程图" : "可横向滚动的表格";
    var headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3");
    var section = null;
    for (var i = 0; i < headings.length && headings[i].compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING; i++) {
      section = headings[i];
    }
    var name = kind;
    if (section) {
      var words = Array.prototype.map.call(section.childNodes, function (n) {
        return n.nodeType === 1 && n.classList.contains("headerlink") ? "" : n.textContent;
      });
      name += "：" + words.join("").trim();
    }
    var taken = {};
    Array.prototype.forEach.call(document.querySelectorAll("[aria-label]"), function (e) { taken[e.getAttribute("aria-label")] = true; });
    var label = name;
    for (var n = 2; taken[label]; n++) label = name + "（" + n + "）";
    return label;
  }

  /* 复制引用: the citation sentence and the permanent address, as one line of text. */
  function setupCopy() {
    var wrap = document.querySelector("[data-qd-copy]");
    if (!wrap || !navigator.clipboard || !window.isSecureContext) return;
    var box = wrap.parentNode;
    var status = wrap.querySelector(".qd-copy__status");
    wrap.hidden = false;
    wrap.querySelector("button").addEventListener("click", function () {
      var link = box.querySelector(".qd-permalink");
      var text = box.querySelector(".qd-cite__text").textContent + " " + (link ? link.href : "");
      navigator.clipboard.writeText(text).then(function () { status.textContent = "已复制"; },
        function () { status.textContent = "复制失败，请手动选择文字复制"; });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () { setupPrefs(); setupTable(); setupAnswer(); setupTownButtons(); setupSearchFocus(); setupCopy(); });
  window.addEventListener("load", markScrollables);
  window.addEventListener("resize", markScrollables);
})();
