/* qingdan static search: reads the n-gram index written by generator/searchindex.py.
 *
 * A query is normalised like the index (NFKC, lower case, traditional -> simplified,
 * punctuation separates), cut into runs, each run into its 3-grams (shorter runs are
 * looked up whole). Items holding every gram are the matches; they rank by the
 * rarity of the grams, three times higher when a gram is in the name, codes or
 * keywords, far higher when a whole run is there; an exact code or former code
 * comes first. Only the gram files a query needs are fetched (gzip, inflated here).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = script.src.replace(/assets\/qingdan\/search\/search\.js(\?.*)?$/, "");
  var INDEX = ROOT + "search-index/";
  var MAX_GRAMS = 12;
  var PAGE = 20;
  var CODE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

  var manifest = null;
  var t2s = new Map();
  var files = new Map();

  // ---- loading -------------------------------------------------------------

  function loadManifest() {
    if (!manifest) {
      manifest = fetch(INDEX + "meta.json").then(function (r) {
        if (!r.ok) throw new Error("meta.json " + r.status);
        return r.json();
      }).then(function (m) {
        var chars = Array.from(m.t2s);
        for (var i = 0; i + 1 < chars.length; i += 2) t2s.set(chars[i], chars[i + 1]);
        return m;
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }

  async function inflate(bytes) {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the server already inflated it
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function fetchFile(m, path) {
    if (!files.has(path)) {
      var p = fetch(INDEX + m.data + path).then(function (r) {
        if (!r.ok) throw new Error(path + " " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) { return inflate(new Uint8Array(buf)); });
      p.catch(function () { files.delete(path); });
      files.set(path, p);
    }
    return files.get(path);
  }

  async function fetchJson(m, path) {
    var key = "json:" + path;
    if (!files.has(key)) {
      files.set(key, fetchFile(m, path).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); }));
    }
    return files.get(key);
  }

  // ---- text ----------------------------------------------------------------

  function normChar(ch) {
    var out = "";
    for (var c of ch.normalize("NFKC").toLowerCase()) out += t2s.get(c) || c;
    return out;
  }

  function norm(text) {
    var out = "";
    for (var ch of text) out += normChar(ch);
    return out;
  }

  function runs(text) {
    return norm(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  /** A punctuation mark with the characters either side (searchtext.junctions): a ranking bonus only. */
  function junctions(text) {
    var t = norm(text), found = Array.from(t.matchAll(/[\p{L}\p{N}]+/gu)), out = [];
    for (var i = 0; i + 1 < found.length; i++) {
      var end = found[i].index + found[i][0].length, start = found[i + 1].index;
      if (start - end === 1 && !/\s/.test(t[end])) out.push(t.slice(end - 1, start + 1));
    }
    return out;
  }

  function queryGrams(run, n) {
    var chars = Array.from(run);
    if (chars.length <= n) return [run];
    var grams = [];
    for (var i = 0; i + n <= chars.length; i++) grams.push(chars.slice(i, i + n).join(""));
    if (grams.length > MAX_GRAMS) { // long phrases: evenly spaced grams, first and last kept
      var step = (grams.length - 1) / (MAX_GRAMS - 1), picked = [];
      for (var k = 0; k < MAX_GRAMS; k++) picked.push(grams[Math.round(k * step)]);
      grams = picked;
    }
    return Array.from(new Set(grams));
  }

  var encoder = new TextEncoder();
  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var b of encoder.encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h >>> 0;
  }

  // ---- posting lists as bitsets ---------------------------------------------

  function varint(bytes, pos) {
    var n = 0, shift = 0, b;
    do { b = bytes[pos.i++]; n += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return n;
  }

  function bitsFrom(kind, bytes, size) {
    var bits = new Uint32Array((size + 31) >>> 5);
    if (kind === 1) {
      for (var j = 0; j < bytes.length; j++) bits[j >>> 2] |= bytes[j] << ((j & 3) * 8);
    } else {
      var pos = { i: 0 }, id = -1;
      while (pos.i < bytes.length) { id += varint(bytes, pos) + 1; bits[id >>> 5] |= 1 << (id & 31); }
    }
    return bits;
  }

  function has(bits, id) { return (bits[id >>> 5] >>> (id & 31)) & 1; }

  function count(bits) {
    var n = 0;
    for (var w of bits) { w -= (w >>> 1) & 0x55555555; w = (w & 0x33333333) + ((w >>> 2) & 0x33333333); n += (((w + (w >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24; }
    return n;
  }

  function and(a, b) { for (var i = 0; i < a.length; i++) a[i] &= b[i]; return a; }

  async function gramFile(m, n) {
    var key = "grams:" + n;
    if (!files.has(key)) {
      files.set(key, fetchFile(m, "g/" + n + ".bin").then(function (bytes) {
        var map = new Map(), pos = { i: 0 }, dec = new TextDecoder();
        while (pos.i < bytes.length) {
          var len = bytes[pos.i++];
          var gram = dec.decode(bytes.subarray(pos.i, pos.i + len)); pos.i += len;
          var kind = bytes[pos.i++], plen = varint(bytes, pos);
          var body = bytes.subarray(pos.i, pos.i + plen); pos.i += plen;
          var tlen = varint(bytes, pos);
          var title = bytes.subarray(pos.i, pos.i + tlen); pos.i += tlen;
          map.set(gram, { kind: kind, body: body, title: title });
        }
        return map;
      }));
    }
    return files.get(key);
  }

  async function gram(m, g) {
    var rec = (await gramFile(m, fnv1a(g) % m.shards)).get(g);
    if (!rec) return null;
    if (!rec.bits) {
      rec.bits = bitsFrom(rec.kind, rec.body, m.size);
      rec.titleBits = bitsFrom(0, rec.title, m.size);
      rec.df = count(rec.bits);
    }
    return rec;
  }

  async function codeLookup(m, code) {
    if (!CODE.test(code)) return -1;
    var table = await fetchJson(m, "c/" + (fnv1a(code) % m.codeFiles) + ".bin");
    return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : -1;
  }

  async function facetBits(m, key, value) {
    var facet = m.facets.find(function (f) { return f.key === key; });
    var i = facet ? facet.values.findIndex(function (v) { return v[0] === value; }) : -1;
    if (i < 0) return null;
    var k = "facet:" + key + i;
    if (!files.has(k)) files.set(k, fetchFile(m, "f/" + key + "-" + i + ".bin").then(function (b) { return bitsFrom(1, b, m.size); }));
    return files.get(k);
  }

  // ---- search ----------------------------------------------------------------

  async function search(query, filters) {
    var m = await loadManifest();
    var terms = runs(query);
    var code = norm(query.trim());
    if (!terms.length) return { m: m, terms: terms, ids: [] };
    var perTerm = terms.map(function (t) { return queryGrams(t, m.maxGram); });
    var all = Array.from(new Set([].concat.apply([], perTerm)));
    var wanted = Object.keys(filters || {}).filter(function (k) { return filters[k]; });
    var joins = junctions(query);
    var results = await Promise.all([
      Promise.all(all.map(function (g) { return gram(m, g); })),
      codeLookup(m, code),
      Promise.all(wanted.map(function (k) { return facetBits(m, k, filters[k]); })),
      Promise.all(joins.map(function (g) { return gram(m, g); })),
    ]);
    var joined = results[3].filter(Boolean);
    var recs = new Map(all.map(function (g, i) { return [g, results[0][i]]; }));
    var pinned = results[1];
    var cand = new Uint32Array((m.size + 31) >>> 5).fill(0xffffffff);
    var missing = false;
    recs.forEach(function (r) { if (r) and(cand, r.bits); else missing = true; });
    if (missing) cand.fill(0);
    results[2].forEach(function (b) { if (b) and(cand, b); });
    var inFilters = pinned >= 0 && results[2].every(function (b) { return !b || has(b, pinned); });
    // A run is "in the title" when all its grams are: nearly always the run itself.
    var titleRuns = perTerm.map(function (grams) {
      var t = null;
      grams.forEach(function (g) { var r = recs.get(g); if (r) t = t ? and(t, r.titleBits) : r.titleBits.slice(); });
      return t;
    });
    var scored = [];
    for (var w = 0; w < cand.length; w++) {
      var word = cand[w];
      while (word) {
        var bit = 31 - Math.clz32(word & -word);
        word &= word - 1;
        var id = (w << 5) | bit;
        if (id >= m.size) break;
        var score = 0;
        recs.forEach(function (r) { if (r) score += Math.log(1 + m.size / r.df) * (has(r.titleBits, id) ? 3 : 1); });
        titleRuns.forEach(function (t) { if (t && has(t, id)) score += 100; });
        joined.forEach(function (r) { if (has(r.bits, id)) score += 50; });
        if (id === pinned) score += 1e9;
        scored.push([score, id]);
      }
    }
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    var ids = scored.map(function (s) { return s[1]; });
    if (pinned >= 0 && inFilters && ids[0] !== pinned) ids.unshift(pinned);
    return { m: m, terms: terms, ids: ids, code: pinned >= 0 ? code : "" };
  }

  async function records(m, ids) {
    var out = await Promise.all(ids.map(async function (id) {
      var chunk = await fetchJson(m, "d/" + Math.floor(id / m.docsPerFile) + ".bin");
      var r = chunk[id % m.docsPerFile];
      return { code: r[0], name: r[1], kind: r[2], category: r[3], cancelled: !!r[4], formerly: r[5], keywords: r[6] };
    }));
    return out;
  }

  // ---- rendering -----------------------------------------------------------

  /** Text with the query's runs wrapped in <mark>, matched on the normalised form. */
  function marked(text, terms) {
    var chars = Array.from(text), normed = "", owner = [];
    chars.forEach(function (ch, i) { var n = normChar(ch); normed += n; for (var k = 0; k < n.length; k++) owner.push(i); });
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
    var old = rec.formerly.filter(function (c) { return terms.some(function (t) { return norm(c).indexOf(t) >= 0; }); });
    if (old.length) {
      var p = el("span", "qd-hit__extra", "曾用编码：");
      p.appendChild(marked(old.join("、"), terms));
      a.appendChild(p);
    }
    li.appendChild(a);
    return li;
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
        var res = await search(q, {});
        var top = await records(res.m, res.ids.slice(0, 8));
        if (my !== seq) return;
        list.replaceChildren.apply(list, top.map(function (r, i) { return hitItem(res.m, r, res.terms, i); }));
        status.textContent = res.ids.length ? "找到 " + res.ids.length + " 项" : "没有找到包含“" + q.trim() + "”的事项";
        if (res.ids.length > top.length) {
          var li = el("li", "md-search-result__item qd-hit qd-hit--more");
          var a = el("a", "qd-hit__link", "查看全部 " + res.ids.length + " 项结果，并按类别、部门、乡镇筛选");
          a.href = ROOT + "search/?q=" + encodeURIComponent(q.trim());
          li.appendChild(a); list.appendChild(li);
        }
        box.dataset.qdDone = q; // results for q are on screen (tests and bench wait for this)
      } catch (err) { failed(status, err); }
    }
    input.addEventListener("focus", function () { open(true); loadManifest().catch(function () {}); });
    input.addEventListener("input", debounce(run, 60));
    if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); else input.blur(); });
    form.addEventListener("reset", function () { setTimeout(run, 0); input.focus(); });
    form.addEventListener("submit", function (e) {
      var first = list.querySelector("a");
      if (first && input.value.trim() && !box.closest(".qd-search-page")) { e.preventDefault(); first.click(); }
    });
    keyboard(input, list, function () { open(false); input.blur(); });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key === "/" && !(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) {
        e.preventDefault(); open(true); input.focus();
      }
    });
  }

  // ---- search page -------------------------------------------------------------

  async function page(root) {
    var form = root.querySelector("form");
    var input = form.elements.q;
    var list = root.querySelector("[data-qd-results]");
    var status = root.querySelector("[data-qd-status]");
    var more = root.querySelector("[data-qd-more]");
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var m;
    try { m = await loadManifest(); } catch (err) { failed(status, err); return; }
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
      var recs = await records(m, slice);
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
      if (!q) { list.replaceChildren(); more.hidden = true; status.textContent = "请输入要查找的事项名称、编码、部门、法规或职责中的词语。"; return; }
      try {
        var res = await search(q, filters);
        if (my !== seq) return;
        ids = res.ids; terms = res.terms; shown = 0;
        list.replaceChildren();
        status.textContent = ids.length ? "找到 " + ids.length + " 项与“" + q + "”有关的事项" : "没有找到与“" + q + "”有关的事项。可以换一个词，或去掉筛选条件。";
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
  window.qingdanSearch = { search: search, records: records, norm: norm, runs: runs };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
