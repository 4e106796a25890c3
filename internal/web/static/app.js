// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions: <form data-confirm="确定撤销？">
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
  // Import progress: <div data-progress-url="/members/import/7.json">
  var box = document.querySelector("[data-progress-url]");
  if (box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var tick = function () {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (bar) { bar.max = j.rows_total || 1; bar.value = j.rows_done; }
          if (text) { text.textContent = j.rows_done + " / " + j.rows_total; }
          if (j.status === "running") { setTimeout(tick, 500); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 500);
  }
})();
