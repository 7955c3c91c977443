/* Applies the reader's remembered 适老化 preferences (large text, high contrast)
   to <html> before the first paint. Loaded in <head>; qingdan.js wires the buttons. */
(function () {
  try {
    var root = document.documentElement;
    if (localStorage.getItem("qd-large") === "1") root.classList.add("qd-large");
    if (localStorage.getItem("qd-contrast") === "1") root.classList.add("qd-contrast");
  } catch (e) { /* storage may be disabled: defaults apply */ }
})();
