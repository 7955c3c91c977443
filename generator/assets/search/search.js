/* qingdan static search engine: reads the n-gram index written by generator/search/index.py.
 *
 * A query is normalised like the index (NFKC, lower case, traditional -> simplified,
 * punctuation separates), cut into runs, each run into its 3-grams (shorter runs are
 * looked up whole). Items holding every gram are the matches; they rank by the
 * rarity of the grams, three times higher when a gram is in the name, codes or
 * keywords, far higher when a whole run is there; an exact code comes first.
 * Then it forgives (docs/decisions/search.md): everyday words are also looked up as
 * the list's words (synonyms, ranked after the exact matches), and a query that finds
 * nothing is retried with one confused character replaced (confusions). Township,
 * department, law and category pages are matched from the manifest without a fetch.
 * Only the files a query needs are fetched (gzip, inflated here). search-ui.js draws.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = script.src.replace(/assets\/qingdan\/search\/search\.js(\?.*)?$/, "");
  var INDEX = ROOT + "search-index/";
  var MAX_GRAMS = 8; // per run: a long name needs no more to be found, and each costs a file
  var CODE = /^[a-z0-9]{1,64}$/; // a code with its separators taken out (search.text.compact)
  var QUERY_GRAMS = 14; // grams one query may fetch with its corrections: keeps it within 50 KB

  var manifest = null;
  var t2s = new Map();
  var files = new Map();

  // ---- loading -------------------------------------------------------------

  function loadManifest() {
    if (!manifest) {
      manifest = fetch(INDEX + "meta.json").then(function (r) {
        if (!r.ok) throw new Error("meta.json " + r.status);
        return r.json();
      }).then(function (meta) {
        return fetchPath(meta.manifest);
      }).then(function (bytes) {
        var m = JSON.parse(new TextDecoder().decode(bytes));
        var chars = Array.from(m.t2s);
        for (var i = 0; i + 1 < chars.length; i += 2) t2s.set(chars[i], chars[i + 1]);
        m.pageNames = m.pages.map(function (p) { return [p[2]].concat(p[3]).map(norm); });
        m.facetStart = {};
        var at = 0;
        m.facets.forEach(function (f) { m.facetStart[f.key] = at; at += f.values.length; });
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

  /** A file by its content name (search/write.py), fetched once. */
  function fetchPath(path) {
    if (!files.has(path)) {
      var p = fetch(INDEX + path).then(function (r) {
        if (!r.ok) throw new Error(path + " " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) { return inflate(new Uint8Array(buf)); });
      p.catch(function () { files.delete(path); });
      files.set(path, p);
    }
    return files.get(path);
  }

  /** A logical file ("g/12", "f/kind-0", "x/synonyms") by the name the manifest gives it: g/12-<digest>.bin. */
  function fetchFile(m, logical) {
    var kind = logical.split("/")[0], rest = logical.slice(kind.length + 1), digest;
    if (kind === "x") digest = m.names.x[rest];
    else {
      var dash = rest.lastIndexOf("-");
      var n = kind === "f" ? m.facetStart[rest.slice(0, dash)] + Number(rest.slice(dash + 1)) : Number(rest);
      digest = m.names[kind].substr(n * m.nameChars, m.nameChars);
    }
    return fetchPath(logical + "-" + digest + ".bin");
  }

  async function fetchJson(m, path) {
    var key = "json:" + path;
    if (!files.has(key)) {
      files.set(key, fetchFile(m, path).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); }));
    }
    return files.get(key);
  }

  /** Everyday word -> the list's words (synonyms.txt), longest words first. */
  function synonymList(m) {
    if (!files.has("synonyms")) {
      files.set("synonyms", fetchJson(m, "x/synonyms").then(function (list) {
        return list.slice().sort(function (a, b) { return b[0].length - a[0].length; });
      }));
    }
    return files.get("synonyms");
  }

  /** Character -> the catalogue's characters it is often written for, most used first; fetched when a query finds nothing. */
  function confusions(m) {
    if (!files.has("confusions")) {
      files.set("confusions", fetchJson(m, "x/confusions").then(function (list) {
        return new Map(list.map(function (entry) { var chars = Array.from(entry); return [chars[0], chars.slice(1)]; }));
      }));
    }
    return files.get("confusions");
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

  /** A punctuation mark with the characters either side (search.text.junctions): a ranking bonus only. */
  function junctions(text) {
    var t = norm(text), found = Array.from(t.matchAll(/[\p{L}\p{N}]+/gu)), out = [];
    for (var i = 0; i + 1 < found.length; i++) {
      var end = found[i].index + found[i][0].length, start = found[i + 1].index;
      if (start - end === 1 && !/\s/.test(t[end])) out.push(t.slice(end - 1, start + 1));
    }
    return out;
  }

  /** The grams a run is looked up by, each with the first character it covers. */
  function gramsAt(run, n) {
    var chars = Array.from(run);
    if (chars.length <= n) return [[run, 0, chars.length]];
    var grams = [];
    for (var i = 0; i + n <= chars.length; i++) grams.push([chars.slice(i, i + n).join(""), i, n]);
    if (grams.length > MAX_GRAMS) { // long phrases: evenly spaced grams, first and last kept
      var step = (grams.length - 1) / (MAX_GRAMS - 1), picked = [];
      for (var k = 0; k < MAX_GRAMS; k++) picked.push(grams[Math.round(k * step)]);
      grams = picked;
    }
    return grams;
  }

  function queryGrams(run, n) {
    return Array.from(new Set(gramsAt(run, n).map(function (g) { return g[0]; })));
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

  /** Bit i of flags marks the i-th item of bits (ascending) as having the gram in its title (index.py _title_flags). */
  function titleBits(bits, flags, size) {
    var out = new Uint32Array((size + 31) >>> 5), i = 0;
    if (!flags.length) return out;
    for (var w = 0; w < bits.length; w++) {
      var word = bits[w];
      while (word) {
        var bit = 31 - Math.clz32(word & -word);
        word &= word - 1;
        if ((flags[i >>> 3] >>> (i & 7)) & 1) out[w] |= 1 << bit;
        i++;
      }
    }
    return out;
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
      files.set(key, fetchFile(m, "g/" + n).then(function (bytes) {
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
      rec.titleBits = titleBits(rec.bits, rec.title, m.size);
      rec.df = count(rec.bits);
    }
    return rec;
  }

  async function codeLookup(m, code) {
    if (!CODE.test(code)) return -1;
    var table = await fetchJson(m, "c/" + (fnv1a(code) % m.codeFiles));
    return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : -1;
  }

  async function facetBits(m, key, value) {
    var facet = m.facets.find(function (f) { return f.key === key; });
    var i = facet ? facet.values.findIndex(function (v) { return v[0] === value; }) : -1;
    if (i < 0) return null;
    var k = "facet:" + key + i;
    if (!files.has(k)) files.set(k, fetchFile(m, "f/" + key + "-" + i).then(function (b) { return bitsFrom(1, b, m.size); }));
    return files.get(k);
  }

  // ---- matching --------------------------------------------------------------

  /**
   * The items holding every gram of every run (and every filter), best first; ``joined`` (junction
   * grams) only rank. ``filterBits`` and ``joined`` may be promises, fetched alongside the grams.
   */
  async function match(m, terms, filterBits, joined) {
    var perTerm = terms.map(function (t) { return queryGrams(t, m.maxGram); });
    var all = Array.from(new Set([].concat.apply([], perTerm)));
    var found = await Promise.all(all.map(function (g) { return gram(m, g); }));
    joined = (await joined).filter(Boolean);
    filterBits = (await filterBits).filter(Boolean);
    var recs = new Map(all.map(function (g, i) { return [g, found[i]]; }));
    var cand = new Uint32Array((m.size + 31) >>> 5).fill(0xffffffff);
    var missing = false;
    recs.forEach(function (r) { if (r) and(cand, r.bits); else missing = true; });
    if (missing) cand.fill(0);
    filterBits.forEach(function (b) { and(cand, b); });
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
        scored.push([score, id]);
      }
    }
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return { ids: scored.map(function (s) { return s[1]; }), recs: recs };
  }

  /** Queries with an everyday word replaced by the list's words (synonyms.txt), one word at a time. */
  function synonymVariants(list, terms) {
    var out = [];
    terms.forEach(function (t, i) {
      var hit = list.find(function (s) { return t.indexOf(s[0]) >= 0; });
      if (!hit) return;
      hit[1].forEach(function (word) {
        var copy = terms.slice();
        copy[i] = t.replace(hit[0], word);
        out.push({ from: hit[0], to: word, terms: copy });
      });
    });
    return out;
  }

  /** Which characters of a run may be wrong: those most missing grams cover (all when none is missing). */
  function suspects(m, run, recs) {
    var chars = Array.from(run), hits = chars.map(function () { return 0; });
    gramsAt(run, m.maxGram).forEach(function (g) {
      if (!recs.get(g[0])) for (var k = g[1]; k < g[1] + g[2]; k++) hits[k]++;
    });
    var top = Math.max.apply(null, hits);
    return chars.map(function (_, k) { return k; }).filter(function (k) { return hits[k] === top; });
  }

  /**
   * The run with one confused character replaced that finds most; the most used replacements first.
   * Round one fetches, per replacement, only the gram that was missing with the character replaced
   * (one file each); round two matches the replacements whose gram exists.
   */
  async function correctRun(m, confused, run, recs, filterBits, allowed) {
    var chars = Array.from(run), grams = gramsAt(run, m.maxGram), spots = suspects(m, run, recs), variants = [];
    for (var rank = 0; ; rank++) {
      var any = false;
      spots.forEach(function (k) {
        var alts = confused.get(chars[k]) || [];
        if (rank >= alts.length) return;
        any = true;
        var copy = chars.slice(); copy[k] = alts[rank];
        var gone = grams.find(function (g) { return !recs.get(g[0]) && g[1] <= k && k < g[1] + g[2]; });
        variants.push({ text: copy.join(""), key: gone ? copy.slice(gone[1], gone[1] + gone[2]).join("") : null });
      });
      if (!any) break;
    }
    var page = variants.find(function (v) { return pageHits(m, [v.text]).some(function (p) { return p.score >= 0.6; }); });
    if (page) return page.text;
    var keys = [];
    variants.forEach(function (v) { if (v.key && keys.indexOf(v.key) < 0 && keys.length < allowed - 4) keys.push(v.key); });
    var found = await Promise.all(keys.map(function (g) { return gram(m, g); }));
    var live = variants.filter(function (v) { return v.key ? found[keys.indexOf(v.key)] : false; });
    var tried = live.slice(0, Math.max(1, Math.floor((allowed - keys.length) / 2)));
    var results = await Promise.all(tried.map(function (v) { return match(m, [v.text], filterBits, []); }));
    var best = -1;
    results.forEach(function (r, i) { if (r.ids.length && (best < 0 || r.ids.length > results[best].ids.length)) best = i; });
    return best >= 0 ? tried[best].text : null;
  }

  /**
   * Township, department, law and category pages whose name is the query, is in it, or holds it;
   * score 1 for the name itself, else the shorter text's share of the longer one.
   */
  function pageHits(m, terms) {
    var q = terms.join(""), ql = Array.from(q).length;
    if (ql < 2) return [];
    var out = [];
    m.pages.forEach(function (p, i) {
      var score = 0;
      m.pageNames[i].forEach(function (n) {
        var nl = Array.from(n).length;
        if (nl >= 2 && q.indexOf(n) >= 0) score = Math.max(score, nl / ql);
        else if (n.indexOf(q) >= 0) score = Math.max(score, ql / nl);
      });
      if (score) out.push({ kind: p[0], path: p[1], name: p[2], score: score, order: i });
    });
    return out.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
  }

  /**
   * {m, terms (to mark), ids, pages, code, synonyms [{from, to}], corrected (a query or ""),
   *  suggestions [{q, n}] when nothing is found}.
   */
  async function search(query, filters) {
    var m = await loadManifest();
    var terms = runs(query);
    var out = { m: m, terms: terms, ids: [], pages: [], code: "", synonyms: [], corrected: "", suggestions: [] };
    if (!terms.length) return out;
    var code = terms.join("");
    var wanted = Object.keys(filters || {}).filter(function (k) { return filters[k]; });
    // Everything the query needs is fetched at once: one round trip after the manifest, not two or three.
    var synonymsLoaded = synonymList(m), pinnedLoaded = codeLookup(m, code);
    var joined = Promise.all(junctions(query).map(function (g) { return gram(m, g); }));
    var filtersLoaded = Promise.all(wanted.map(function (k) { return facetBits(m, k, filters[k]); }));
    var exactLoaded = match(m, terms, filtersLoaded, joined);
    var variants = synonymVariants(await synonymsLoaded, terms);
    var moreLoaded = Promise.all(variants.map(function (v) { return match(m, v.terms, filtersLoaded, []); }));
    var exact = await exactLoaded, pinned = await pinnedLoaded, more = await moreLoaded;
    var filterBits = (await filtersLoaded).filter(Boolean);
    var ids = exact.ids, seen = new Set(ids);
    if (pinned >= 0 && filterBits.every(function (b) { return has(b, pinned); })) {
      ids = [pinned].concat(ids.filter(function (id) { return id !== pinned; }));
      out.code = code;
    }
    var marks = terms.slice();
    more.forEach(function (r, i) {
      var fresh = r.ids.filter(function (id) { return !seen.has(id); });
      if (!r.ids.length) return;
      out.synonyms.push({ from: variants[i].from, to: variants[i].to });
      marks = marks.concat(variants[i].terms);
      fresh.forEach(function (id) { seen.add(id); });
      ids = ids.concat(fresh);
    });
    var pages = pageHits(m, terms);
    if (!ids.length && !pages.length) {
      var confused = await confusions(m), fixed = terms.slice(), changed = false;
      for (var i = 0; i < terms.length; i++) {
        var alone = terms.length === 1 ? exact : await match(m, [terms[i]], filterBits, []);
        if (alone.ids.length) continue;
        var fix = await correctRun(m, confused, terms[i], alone.recs, filterBits, Math.max(4, QUERY_GRAMS - exact.recs.size));
        if (fix) { fixed[i] = fix; changed = true; }
      }
      if (changed) {
        ids = (await match(m, fixed, filterBits, [])).ids;
        pages = pageHits(m, fixed);
        if (ids.length || pages.length) { out.corrected = fixed.join(" "); marks = fixed; }
      }
    }
    if (!ids.length && !pages.length && terms.length > 1) {
      var alone2 = await Promise.all(terms.map(function (t) { return match(m, [t], filterBits, []); }));
      alone2.forEach(function (r, i) { if (r.ids.length) out.suggestions.push({ q: terms[i], n: r.ids.length }); });
    }
    out.ids = ids; out.pages = pages; out.terms = marks;
    return out;
  }

  async function records(m, ids) {
    return Promise.all(ids.map(async function (id) {
      var chunk = await fetchJson(m, "d/" + Math.floor(id / m.docsPerFile));
      var r = chunk[id % m.docsPerFile];
      return { id: id, code: r[0], name: r[1], kind: r[2], category: r[3], cancelled: !!r[4], formerly: r[5], keywords: r[6] };
    }));
  }

  /** The sentence of an item that holds most of the terms (whole runs first, then their grams). */
  async function snippet(m, id, terms) {
    var lines = (await fetchJson(m, "s/" + Math.floor(id / m.snippetsPerFile)))[id % m.snippetsPerFile];
    var best = null, top = 0;
    lines.forEach(function (line) {
      var n = norm(line), score = 0;
      terms.forEach(function (t) {
        if (n.indexOf(t) >= 0) score += 100 * t.length;
        else queryGrams(t, m.maxGram).forEach(function (g) { if (n.indexOf(g) >= 0) score += 1; });
      });
      if (score > top) { top = score; best = line; }
    });
    return best;
  }

  window.qingdanSearch = {
    ROOT: ROOT, search: search, records: records, snippet: snippet, loadManifest: loadManifest,
    norm: norm, normChar: normChar, runs: runs,
  };
})();
