/* ResizeObserver for browsers that lack it (before Chrome 64, Firefox 69, Safari 13.1).
   Without it, Material's bundle loads a polyfill from another host; this one is served by the site
   and loaded in <head> only where ResizeObserver is missing (overrides/main.html), before the
   bundle looks. It reports an observed element when its size changes, checked once per frame
   after window resizes, DOM changes, transitions, animations and loads: what Material's header,
   tabs and sidebars listen for. Plain ES5 on purpose. */
(function () {
  "use strict";
  if (typeof window.ResizeObserver !== "undefined") return;
  var active = [];
  var pending = false;
  var later = window.requestAnimationFrame || function (fn) { return window.setTimeout(fn, 16); };

  function checkAll() {
    pending = false;
    active.slice().forEach(function (observer) { observer._check(); });
  }

  function schedule() {
    if (!pending && active.length) {
      pending = true;
      later(checkAll);
    }
  }

  function px(style, name) { return parseFloat(style[name]) || 0; }

  function contentRect(el) {
    var style = window.getComputedStyle(el);
    var width = el.clientWidth - px(style, "paddingLeft") - px(style, "paddingRight");
    var height = el.clientHeight - px(style, "paddingTop") - px(style, "paddingBottom");
    width = Math.max(width, 0);
    height = Math.max(height, 0);
    return { x: px(style, "paddingLeft"), y: px(style, "paddingTop"), width: width, height: height,
             top: px(style, "paddingTop"), left: px(style, "paddingLeft"),
             right: px(style, "paddingLeft") + width, bottom: px(style, "paddingTop") + height };
  }

  function ResizeObserver(callback) {
    if (typeof callback !== "function") throw new TypeError("ResizeObserver: callback must be a function");
    this._callback = callback;
    this._targets = [];
  }

  ResizeObserver.prototype.observe = function (el) {
    for (var i = 0; i < this._targets.length; i++) if (this._targets[i].el === el) return;
    this._targets.push({ el: el, width: -1, height: -1 });  // -1: the first check reports it, as the standard says
    if (active.indexOf(this) < 0) active.push(this);
    schedule();
  };

  ResizeObserver.prototype.unobserve = function (el) {
    this._targets = this._targets.filter(function (t) { return t.el !== el; });
    if (!this._targets.length) this.disconnect();
  };

  ResizeObserver.prototype.disconnect = function () {
    this._targets = [];
    var i = active.indexOf(this);
    if (i >= 0) active.splice(i, 1);
  };

  ResizeObserver.prototype._check = function () {
    var entries = [];
    this._targets.forEach(function (t) {
      var width = t.el.offsetWidth, height = t.el.offsetHeight;
      if (width !== t.width || height !== t.height) {
        t.width = width;
        t.height = height;
        entries.push({ target: t.el, contentRect: contentRect(t.el) });
      }
    });
    if (entries.length) this._callback.call(this, entries, this);
  };

  ["resize", "orientationchange", "load"].forEach(function (name) { window.addEventListener(name, schedule); });
  ["transitionend", "animationend", "load"].forEach(function (name) { document.addEventListener(name, schedule, true); });
  if (window.MutationObserver) {
    new MutationObserver(schedule).observe(document.documentElement,
      { attributes: true, childList: true, subtree: true, characterData: true });
  }
  window.ResizeObserver = ResizeObserver;
})();
