/* /as-of/: the list as it stood on a date. Reads as-of/versions.json (written by
   generator/pages/versions.py): per item [code, formerly, listed, [[slug, from, until, cancelled,
   townships, name, code then], ...]], dates as YYYY-MM-DD (compared as text). A version is in
   force from its date until the next version's date; on a day with two versions the later one is.
   Between ``listed`` (the item's first history date) and its earliest version the text of the
   day is not known: the earliest version is offered with a note. With an item code the browser
   goes straight to the version's page. ES5, nothing else fetched. */
(function () {
  "use strict";
  var form = document.querySelector("[data-qd-asof]");
  if (!form) return;
  var root = form.getAttribute("data-qd-asof");
  var out = document.querySelector(".qd-asof__result");
  var params = new URLSearchParams(window.location.search);
  ["date", "code", "township"].forEach(function (k) { if (params.get(k)) form.elements[k].value = params.get(k); });

  function say(text) {
    var p = document.createElement("p");
    p.className = "qd-asof__message";
    p.textContent = text;
    out.appendChild(p);
    return p;
  }

  function link(parent, href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    parent.appendChild(a);
    return a;
  }

  function inForce(rows, day) {
    var found = null;
    for (var i = 0; i < rows.length; i++) { if (rows[i][1] <= day) found = rows[i]; }
    return found;
  }

  function page(code, row) { return root + "items/" + code + "/v/" + row[0] + "/"; }

  function resolve(data, day, code, town) {
    out.textContent = "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) { say("请填写日期。"); return; }
    if (code) {
      var want = code.trim().toUpperCase();
      var hit = null;
      data.items.forEach(function (it) {
        if (it[0].toUpperCase() === want || it[1].some(function (c) { return c.toUpperCase() === want; })) hit = it;
      });
      if (!hit) { say("没有找到事项编码 " + code + "（也不是任何事项的曾用编码）。"); return; }
      var rows = hit[3], row = inForce(rows, day);
      if (!row) {
        var p = say(day < hit[2] ? "这一天事项 " + hit[0] + " 尚未列入清单（" + hit[2] + " 列入）；最早的版本自 " + rows[0][1] + " 起施行：" :
          "事项 " + hit[0] + " 这一天已列入清单（" + hit[2] + " 列入），但本网站没有当时的文本；最早可查的版本自 " + rows[0][1] + " 起施行：");
        link(p, page(hit[0], rows[0]), rows[0][6] + " " + rows[0][5]);
        return;
      }
      window.location.assign(page(hit[0], row));
      return;
    }
    var list = document.createElement("ol");
    list.className = "qd-asof__list";
    var found = [];
    data.items.forEach(function (it) {
      var row = inForce(it[3], day), unknown = !row && it[2] <= day;
      if (unknown) row = it[3][0];
      if (!row || row[3]) return;  // not yet listed, or cancelled by then
      if (town && row[4] !== "all" && row[4].indexOf(town) < 0) return;
      found.push([it, row, unknown]);
    });
    found.sort(function (a, b) { return a[1][6] < b[1][6] ? -1 : a[1][6] > b[1][6] ? 1 : 0; });  // by the code of the day
    found.forEach(function (f) {
      var it = f[0], row = f[1], unknown = f[2];
      var li = document.createElement("li");
      link(li, page(it[0], row), row[6] + " " + row[5]);
      li.appendChild(document.createTextNode(unknown ? "（当日的文本未收录；链接为最早可查的版本，" + row[1] + " 起施行）" :
        "（" + row[1] + " 起施行的版本）"));
      list.appendChild(li);
    });
    var n = found.length;
    say(day + " 施行的事项共 " + n + " 项" + (town ? "（仅列适用于所选乡镇的）" : "") + "：");
    if (n) out.appendChild(list);
  }

  function run(day, code, town) {
    var request = new XMLHttpRequest();
    request.open("GET", root + "as-of/versions.json");
    request.onload = function () {
      if (request.status !== 200) { say("无法读取版本数据（" + request.status + "）。"); return; }
      resolve(JSON.parse(request.responseText), day, code, town);
    };
    request.send();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var day = form.elements.date.value, code = form.elements.code.value, town = form.elements.township.value;
    var query = "?date=" + encodeURIComponent(day) + (code ? "&code=" + encodeURIComponent(code) : "") +
      (town ? "&township=" + encodeURIComponent(town) : "");
    window.history.replaceState(null, "", query);
    run(day, code, town);
  });
  if (params.get("date")) run(params.get("date"), params.get("code") || "", params.get("township") || "");
})();
