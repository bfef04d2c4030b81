(function () {
  "use strict";

  var SEVERITY = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4 };
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.data"));

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
  }

  function cellValue(row, col) {
    var cell = row.cells[col];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.trim() : v;
  }

  /** Sort key of one cell; null sorts last in either direction. */
  function key(raw, type) {
    if (raw === "") return null;
    if (type === "num") {
      var n = Number(raw);
      return isNaN(n) ? null : n;
    }
    if (type === "sev") return raw.toUpperCase() in SEVERITY ? SEVERITY[raw.toUpperCase()] : 5;
    return raw.toLowerCase();
  }

  function sortTable(table, th, col, type) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var keyed = rowsOf(table).map(function (row, i) {
      return { row: row, k: key(cellValue(row, col), type), i: i };
    });
    keyed.sort(function (a, b) {
      if (a.k === null || b.k === null) return (a.k === null) - (b.k === null) || a.i - b.i;
      var c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
      return (ascending ? c : -c) || a.i - b.i;
    });
    var body = table.tBodies[0];
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) {
      frag.appendChild(k.row);
    });
    body.appendChild(frag);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  tables.forEach(function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var type = th.getAttribute("data-sort");
      var inner = document.createElement(type ? "button" : "span");
      while (th.firstChild) inner.appendChild(th.firstChild);
      th.appendChild(inner);
      if (!type) return;
      inner.type = "button";
      inner.title = "Sort";
      inner.addEventListener("click", function () {
        sortTable(table, th, col, type);
      });
    });
  });

  // Filter: every row of every filterable table whose text contains the query.
  var filterable = tables.filter(function (t) {
    return t.hasAttribute("data-filterable");
  });
  var texts = null;

  function counter(table) {
    return document.querySelector('[data-count-for="' + table.id + '"]');
  }

  function showCounts(shown, total, table) {
    var el = counter(table);
    if (!el) return;
    el.textContent =
      shown === total ? total.toLocaleString("en-US") + " rows" : shown.toLocaleString("en-US") + " of " + total.toLocaleString("en-US") + " rows";
  }

  function applyFilter(query) {
    var q = query.trim().toLowerCase();
    if (texts === null) {
      texts = new Map();
      filterable.forEach(function (t) {
        rowsOf(t).forEach(function (r) {
          texts.set(r, r.textContent.replace(/\s+/g, " ").toLowerCase());
        });
      });
    }
    filterable.forEach(function (table) {
      var rows = rowsOf(table);
      var shown = 0;
      rows.forEach(function (row) {
        var match = q === "" || texts.get(row).indexOf(q) !== -1;
        row.hidden = !match;
        if (match) shown++;
      });
      showCounts(shown, rows.length, table);
    });
  }

  filterable.forEach(function (t) {
    var n = rowsOf(t).length;
    showCounts(n, n, t);
  });

  var input = document.getElementById("filter");
  var timer = 0;
  if (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        applyFilter(input.value);
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        input.value = "";
        applyFilter("");
      }
    });
  }
})();
