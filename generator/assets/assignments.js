/* 交办事项: filter the list by township and department, and correct each state badge for today's date
   (a page built before an assignment's end still says 已到期 once that day has passed). */
(function () {
  "use strict";
  var LABELS = { pending: "尚未开始", current: "执行中", over: "已到期", ended: "已提前结束" };

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function fixStates() {
    var now = today();
    Array.prototype.forEach.call(document.querySelectorAll("[data-qd-start]"), function (el) {
      var start = el.getAttribute("data-qd-start"), end = el.getAttribute("data-qd-end");
      var state = end && end < now ? (el.getAttribute("data-qd-early") ? "ended" : "over") : (start > now ? "pending" : "current");
      el.className = "qd-state qd-state--" + state;
      el.textContent = LABELS[state];
    });
  }

  function setupFilters() {
    var form = document.getElementById("qd-assignment-filters");
    if (!form) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll(".qd-assignment-table tbody tr"));
    form.hidden = false;
    var params = new URLSearchParams(window.location.search);
    ["township", "department"].forEach(function (name) {
      if (params.get(name)) form.elements[name].value = params.get(name);
    });
    function apply() {
      var town = form.elements.township.value, dept = form.elements.department.value, shown = 0;
      rows.forEach(function (row) {
        var towns = row.getAttribute("data-township").split(" ");
        var ok = (!town || towns.indexOf("all") >= 0 || towns.indexOf(town) >= 0) &&
          (!dept || row.getAttribute("data-department") === dept);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.count.value = "显示 " + shown + " / " + rows.length + " 项";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () { fixStates(); setupFilters(); });
})();
