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
  // Wide tables scroll inside .table-wrap, which the pages make focusable
  // (tabindex="0") so that the keyboard can scroll them; where a table fits,
  // the extra stop on the Tab key's path is taken away.
  var fitWraps = function () {
    document.querySelectorAll(".table-wrap").forEach(function (w) {
      if (w.scrollWidth > w.clientWidth + 1) { w.setAttribute("tabindex", "0"); } else { w.removeAttribute("tabindex"); }
    });
  };
  fitWraps();
  window.addEventListener("resize", fitWraps);
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
// Seating: print buttons <button data-print> (the seating chart, name cards).
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) {
    window.print();
  }
});
// live board: <body data-board-events="/meetings/7/board/events"> on the hall's
// screen. Each event is the whole board as JSON; the figures are replaced in
// place. EventSource reconnects by itself after an error; a "resync" event
// (messages may have been lost) reopens the stream, which starts with a fresh
// snapshot. Without JavaScript the page reloads itself (<noscript> refresh);
// without EventSource, or if the stream is refused, it reloads every 5 s.
(function () {
  "use strict";
  var board = document.querySelector("[data-board-events]");
  if (!board) {
    return;
  }
  var url = board.getAttribute("data-board-events");
  var reload = function () { setTimeout(function () { window.location.reload(); }, 5000); };
  if (!url || !window.EventSource || !window.JSON) {
    reload();
    return;
  }
  var set = function (name, text) {
    var el = board.querySelector('[data-board="' + name + '"]');
    if (el && el.textContent !== String(text)) {
      el.textContent = text;
    }
  };
  var render = function (d) {
    set("expected", d.expected);
    set("present", d.present);
    set("excused", d.excused);
    set("sentence", d.quorum_text);
    board.classList.toggle("board-quorum", !!d.quorum_met);
    var vote = board.querySelector('[data-board="vote"]');
    if (vote) {
      vote.hidden = !d.vote;
    }
    if (d.vote) {
      set("item", d.vote.item);
      set("progress", d.vote.text);
    }
    // elections (election_board.go): progress while voting, then the result
    var el = board.querySelector('[data-board="election"]');
    if (el) {
      el.hidden = !d.election;
    }
    if (d.election) {
      set("election-title", "选举：" + d.election.title);
      set("election-text", d.election.text);
      set("election-elected", d.election.elected_text || "");
    }
  };
  var es;
  var open = function () {
    es = new EventSource(url);
    es.onmessage = function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      render(d);
    };
    es.addEventListener("resync", function () {
      es.close();
      open();
    });
    es.onerror = function () {
      // CONNECTING: the browser retries by itself. CLOSED: the server
      // refused the stream (signed out, not found); fall back to reloading.
      if (es.readyState === EventSource.CLOSED) {
        reload();
      }
    };
  };
  open();
})();
// elections: the scrutineers' entry textarea <textarea data-line-count="id">
// counts its non-empty lines into the element with that id.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-line-count]");
  if (!area) {
    return;
  }
  var out = document.getElementById(area.getAttribute("data-line-count"));
  if (!out) {
    return;
  }
  var count = function () {
    var n = 0;
    area.value.split("\n").forEach(function (l) { if (l.trim() !== "") { n++; } });
    out.textContent = String(n);
  };
  area.addEventListener("input", count);
  // Ctrl+Enter (⌘+Enter) saves the batch without leaving the keyboard.
  area.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && area.form) {
      e.preventDefault();
      area.form.submit();
    }
  });
  count();
})();
