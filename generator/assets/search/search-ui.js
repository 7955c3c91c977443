/* qingdan search results: the header dropdown and the /search/ page, drawn from search.js.
 *
 * Pages (township, department, law, category) come before items; an item whose name
 * does not hold the match quotes the sentence that does (a duty, a step, a case);
 * notes say when synonyms were added or a misspelling corrected; a query that finds
 * nothing gets suggestions and links to browse. Catalogue text is only ever textContent.
 */
(function () {
  "use strict";

  var S = window.qingdanSearch;
  var ROOT = S.ROOT;
  var PAGE = 20;
  var KIND = { township: "乡镇（街道）", department: "部门", law: "法律法规", category: "事项分类", assignment: "交办事项" };
  var BROWSE = [["categories/", "按类别"], ["townships/", "按乡镇（街道）"], ["departments/", "按部门"],
    ["laws/", "按法律法规"], ["items/", "全部事项表格"]];

  /** Text with the terms wrapped in <mark>, matched on the normalised form. */
  function marked(text, terms) {
    var chars = Array.from(text), normed = "", owner = [];
    chars.forEach(function (ch, i) { var n = S.normChar(ch); normed += n; for (var k = 0; k < n.length; k++) owner.push(i); });
    var hit = new Array(chars.length).fill(false);
    terms.forEach(function (t) {
      if (!t) return;
      var from = 0, at;
      while ((at = normed.indexOf(t, from)) >= 0) {
        for (var k = at; k < at + t.length; k++) hit[owner[k]] = true;
        from = at + t.length;
      }
    });
    var frag = document.createDocumentFragment(), i = 0;
    while (i < chars.length) {
      var j = i;
      while (j < chars.length && hit[j] === hit[i]) j++;
      var piece = chars.slice(i, j).join("");
      if (hit[i]) { var mk = document.createElement("mark"); mk.textContent = piece; frag.appendChild(mk); }
      else frag.appendChild(document.createTextNode(piece));
      i = j;
    }
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function kindLabel(m, kind) {
    var v = m.facets[0].values.find(function (x) { return x[0] === kind; });
    return v ? v[1] : kind;
  }

  function pageHit(p, terms, index) {
    var li = el("li", "md-search-result__item qd-hit qd-hit--page");
    var a = el("a", "qd-hit__link");
    a.href = ROOT + p.path;
    a.id = "qd-page-" + index;
    var name = el("span", "qd-hit__name"); name.appendChild(marked(p.name, terms)); a.appendChild(name);
    var facts = el("span", "qd-hit__facts");
    facts.appendChild(el("span", "qd-hit__pagekind", KIND[p.kind] || p.kind));
    a.appendChild(facts);
    li.appendChild(a);
    return li;
  }

  /** Does the text show every term? Then it needs no quoted sentence. */
  function holdsAll(text, terms) {
    var n = S.norm(text);
    return terms.every(function (t) { return n.indexOf(t) >= 0; });
  }

  function hitItem(m, rec, terms, index) {
    var li = el("li", "md-search-result__item qd-hit");
    var a = el("a", "qd-hit__link");
    a.href = ROOT + "items/" + encodeURIComponent(rec.code) + "/";
    a.id = "qd-hit-" + index;
    var name = el("span", "qd-hit__name");
    name.appendChild(marked(rec.name, terms));
    a.appendChild(name);
    var facts = el("span", "qd-hit__facts");
    var code = el("span", "qd-hit__code"); code.appendChild(marked(rec.code, terms)); facts.appendChild(code);
    facts.appendChild(el("span", "qd-hit__kind qd-hit__kind--" + rec.kind, kindLabel(m, rec.kind)));
    facts.appendChild(el("span", "qd-hit__category", rec.category));
    if (rec.cancelled) facts.appendChild(el("span", "qd-hit__cancelled", "已取消"));
    a.appendChild(facts);
    var old = rec.formerly.filter(function (c) { return terms.some(function (t) { return S.norm(c).indexOf(t) >= 0; }); });
    if (old.length) {
      var p = el("span", "qd-hit__extra", "曾用编码：");
      p.appendChild(marked(old.join("、"), terms));
      a.appendChild(p);
    }
    li.appendChild(a);
    var title = [rec.name, rec.code].concat(rec.formerly, rec.keywords).join("\n");
    if (!holdsAll(title, terms)) {
      li.dataset.qdSnippet = "pending";
      S.snippet(m, rec.id, terms).then(function (line) {
        if (line) {
          var q = el("span", "qd-hit__snippet");
          q.appendChild(marked(line, terms));
          a.appendChild(q);
        }
        li.dataset.qdSnippet = line ? "shown" : "none";
      }, function () { li.dataset.qdSnippet = "none"; });
    }
    return li;
  }

  /** One line under the status: what was looked up besides the query itself. */
  function note(res, q) {
    if (res.corrected) {
      var p = el("p", "qd-search-note", "没有找到“" + q + "”，以下是“");
      var a = el("a", null, res.corrected);
      a.href = ROOT + "search/?q=" + encodeURIComponent(res.corrected);
      p.appendChild(a); p.appendChild(document.createTextNode("”的结果。"));
      return p;
    }
    if (res.synonyms.length) {
      var pairs = res.synonyms.map(function (s) { return "“" + s.to + "”"; });
      return el("p", "qd-search-note", "同时查找了清单中的说法：" + pairs.join("、") + "。");
    }
    return null;
  }

  /** Nothing found: the parts of the query that do find something, and ways to browse. */
  function noResults(res, q, filtered) {
    var box = el("div", "qd-noresults");
    box.setAttribute("data-qd-noresults", "");
    box.appendChild(el("p", null, "没有找到与“" + q + "”有关的事项或页面。可以试试："));
    var ul = el("ul");
    res.suggestions.forEach(function (s) {
      var li = el("li"), a = el("a", null, s.q);
      a.href = ROOT + "search/?q=" + encodeURIComponent(s.q);
      li.appendChild(document.createTextNode("只搜“")); li.appendChild(a);
      li.appendChild(document.createTextNode("”（" + s.n + " 项）")); ul.appendChild(li);
    });
    if (filtered) {
      var li = el("li"), a = el("a", null, "去掉筛选条件再搜");
      a.href = ROOT + "search/?q=" + encodeURIComponent(q); li.appendChild(a); ul.appendChild(li);
    }
    ul.appendChild(el("li", null, "换一个词，少写几个字，或只写事项中的关键词，如“建房”“防火”。"));
    var browse = el("li", null, "浏览：");
    BROWSE.forEach(function (b, i) {
      var a = el("a", null, b[1]); a.href = ROOT + b[0];
      if (i) browse.appendChild(document.createTextNode(" · "));
      browse.appendChild(a);
    });
    ul.appendChild(browse);
    box.appendChild(ul);
    return box;
  }

  function debounce(fn, ms) {
    var timer = 0;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  /** Arrow keys move between the input and the result links; Escape goes back to the input. */
  function keyboard(input, list, onEscape) {
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { e.preventDefault(); first.focus(); }
      } else if (e.key === "Escape") onEscape();
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.from(list.querySelectorAll("a, button"));
      var i = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i >= 0 && i + 1 < links.length) { e.preventDefault(); links[i + 1].focus(); }
      else if (e.key === "ArrowUp" && i >= 0) { e.preventDefault(); (i === 0 ? input : links[i - 1]).focus(); }
      else if (e.key === "Escape") { e.preventDefault(); input.focus(); onEscape(); }
    });
  }

  function failed(status, err) {
    status.textContent = typeof DecompressionStream === "undefined"
      ? "这个浏览器版本过旧，无法使用搜索，请改用“全部事项”表格。"
      : "搜索索引加载失败，请刷新页面重试。";
    if (window.console) console.error(err);
  }

  function statusText(res, q) {
    var n = res.ids.length, p = res.pages.length;
    if (!n && !p) return "没有找到与“" + q + "”有关的事项";
    var parts = [];
    if (p) parts.push(p + " 个页面");
    if (n) parts.push(n + " 项事项");
    return "找到 " + parts.join("、");
  }

  // ---- header box ------------------------------------------------------------

  function header(box) {
    var input = box.querySelector("[data-qd-search-input]");
    var list = box.querySelector("[data-qd-search-list]");
    var status = box.querySelector("[data-qd-search-status]");
    var toggle = document.getElementById("__search");
    var form = input.form, seq = 0;
    function open(on) { if (toggle && toggle.checked !== on) { toggle.checked = on; } input.setAttribute("aria-expanded", on ? "true" : "false"); }
    async function run() {
      var q = input.value, my = ++seq;
      if (!q.trim()) { list.replaceChildren(); status.textContent = "输入事项名称、编码、部门或法规名称"; return; }
      try {
        var res = await S.search(q, {});
        var pages = res.pages.slice(0, 3);
        var top = await S.records(res.m, res.ids.slice(0, 8 - pages.length));
        if (my !== seq) return;
        var rows = pages.map(function (p, i) { return pageHit(p, res.terms, i); })
          .concat(top.map(function (r, i) { return hitItem(res.m, r, res.terms, i); }));
        list.replaceChildren.apply(list, rows);
        status.textContent = statusText(res, q.trim());
        var extra = note(res, q.trim());
        if (extra) { var li0 = el("li", "md-search-result__item qd-hit qd-hit--note"); li0.appendChild(extra); list.prepend(li0); }
        if (!res.ids.length && !res.pages.length) {
          var li1 = el("li", "md-search-result__item qd-hit qd-hit--none"); li1.appendChild(noResults(res, q.trim(), false)); list.appendChild(li1);
        } else if (res.ids.length > top.length || res.pages.length > pages.length) {
          var li = el("li", "md-search-result__item qd-hit qd-hit--more");
          var a = el("a", "qd-hit__link", "查看全部结果，并按类别、部门、乡镇筛选");
          a.href = ROOT + "search/?q=" + encodeURIComponent(q.trim());
          li.appendChild(a); list.appendChild(li);
        }
        box.dataset.qdDone = q; // results for q are on screen (tests and bench wait for this)
      } catch (err) { failed(status, err); }
    }
    function focused() { open(true); S.loadManifest().catch(function () {}); }
    input.addEventListener("focus", focused);
    input.addEventListener("input", debounce(run, 60));
    form.addEventListener("reset", function () { setTimeout(run, 0); input.focus(); });
    form.addEventListener("submit", function (e) {
      var first = list.querySelector("a.qd-hit__link");
      if (first && input.value.trim() && !box.closest(".qd-search-page")) { e.preventDefault(); first.click(); }
    });
    keyboard(input, list, function () { open(false); input.blur(); });
    // search-load.js loads this file when the reader reaches for the box: catch up with what happened since.
    if (document.activeElement === input) focused();
    if (input.value.trim()) run();
  }

  // ---- search page -------------------------------------------------------------

  async function page(root) {
    var form = root.querySelector("form");
    var input = form.elements.q;
    var list = root.querySelector("[data-qd-results]");
    var status = root.querySelector("[data-qd-status]");
    var more = root.querySelector("[data-qd-more]");
    var extras = el("div", "qd-search-extras");
    status.after(extras);
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var m;
    try { m = await S.loadManifest(); } catch (err) { failed(status, err); return; }
    var holder = root.querySelector("[data-qd-filters]");
    m.facets.forEach(function (f) {
      var label = el("label", "qd-filter");
      label.appendChild(el("span", "qd-filter__label", f.label));
      var select = el("select");
      select.name = f.key;
      select.appendChild(new Option("全部", ""));
      f.values.forEach(function (v) { select.appendChild(new Option(v[1], v[0])); });
      select.value = params.get(f.key) || "";
      label.appendChild(select);
      holder.appendChild(label);
      select.addEventListener("change", run);
    });
    root.hidden = false;
    var ids = [], terms = [], shown = 0, seq = 0;
    async function showMore() {
      var my = seq, slice = ids.slice(shown, shown + PAGE);
      var recs = await S.records(m, slice);
      if (my !== seq) return;
      recs.forEach(function (r, i) { list.appendChild(hitItem(m, r, terms, shown + i)); });
      shown += slice.length;
      more.hidden = shown >= ids.length;
    }
    async function run() {
      var q = input.value.trim(), my = ++seq, filters = {};
      m.facets.forEach(function (f) { filters[f.key] = form.elements[f.key].value; });
      var url = new URLSearchParams();
      if (q) url.set("q", q);
      Object.keys(filters).forEach(function (k) { if (filters[k]) url.set(k, filters[k]); });
      history.replaceState(null, "", location.pathname + (url.toString() ? "?" + url : ""));
      if (!q) { list.replaceChildren(); extras.replaceChildren(); more.hidden = true; status.textContent = "请输入要查找的事项名称、编码、部门、法规或职责中的词语。"; return; }
      try {
        var res = await S.search(q, filters);
        if (my !== seq) return;
        ids = res.ids; terms = res.terms; shown = 0;
        list.replaceChildren();
        extras.replaceChildren();
        status.textContent = statusText(res, q);
        var extra = note(res, q);
        if (extra) extras.appendChild(extra);
        if (res.pages.length) {
          var pl = el("ol", "qd-hits qd-hits--page qd-hits--pages");
          pl.setAttribute("aria-label", "相关页面");
          res.pages.slice(0, 6).forEach(function (p, i) { pl.appendChild(pageHit(p, res.terms, i)); });
          extras.appendChild(pl);
        }
        if (!ids.length && !res.pages.length) {
          extras.appendChild(noResults(res, q, Object.keys(filters).some(function (k) { return filters[k]; })));
        }
        await showMore();
        root.dataset.qdDone = new URLSearchParams(location.search).toString();
      } catch (err) { failed(status, err); }
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    input.addEventListener("input", debounce(run, 60));
    more.addEventListener("click", showMore);
    keyboard(input, list, function () {});
    run();
  }

  function start() {
    document.querySelectorAll("[data-qd-search]").forEach(header);
    var p = document.querySelector("[data-qd-search-page]");
    if (p) page(p);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
