/* The internal ledger filter: plain script over data/ledger.js, no library.
   Cells are written with textContent, never as HTML. */
(function () {
  "use strict";
  var data = window.NUANQI_LEDGER;
  var form = document.getElementById("nq-ledger-filter");
  var table = document.getElementById("nq-ledger-table");
  var body = document.getElementById("nq-ledger-rows");
  var count = document.getElementById("nq-ledger-count");
  if (!data || !form || !body) { return; }
  // On a phone the rows are cards: fifty of them are already a long page; narrow the filter for more.
  var LIMIT = window.matchMedia && window.matchMedia("(max-width: 44.9375em)").matches ? 50 : 500;
  var col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });
  var shown = ["id", "enterprise", "town", "category", "description", "reported", "status",
               "dept", "owner", "due", "closed", "officer", "overdue"];
  // Dates, numbers and codes never break over two lines; on a phone each row is a
  // card whose cells name their column (data-label, shown by staff.css).
  var nowrap = {id: true, reported: true, due: true, closed: true, overdue: true};
  var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; });
  var selects = ["status", "dept", "officer", "category", "town"];
  form.hidden = false;
  table.hidden = false;

  function render() {
    var want = {};
    selects.forEach(function (name) { want[name] = form.elements[name].value; });
    var overdueOnly = form.elements.overdue.checked;
    var q = form.elements.q.value.trim().toLowerCase();
    var rows = document.createDocumentFragment();
    var matched = 0;
    data.rows.forEach(function (row) {
      for (var i = 0; i < selects.length; i++) {
        var name = selects[i];
        if (want[name] && row[col[name]] !== want[name]) { return; }
      }
      if (overdueOnly && row[col.overdue] === null) { return; }
      if (q) {
        var text = [row[col.id], row[col.enterprise], row[col.category], row[col.description], row[col.owner], row[col.dept]].join(" ").toLowerCase();
        if (text.indexOf(q) < 0) { return; }
      }
      matched += 1;
      if (matched > LIMIT) { return; }
      var tr = document.createElement("tr");
      shown.forEach(function (name, i) {
        var td = document.createElement("td");
        td.setAttribute("data-label", labels[i]);
        if (nowrap[name]) { td.className = "nq-nowrap"; }
        var value = row[col[name]];
        td.textContent = value === null || value === "" ? "—" : String(value);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(rows);
    count.textContent = "符合条件 " + matched + " 件" + (matched > LIMIT ? "，显示前 " + LIMIT + " 件" : "") + "（截至 " + data.as_of + "）。";
  }

  form.addEventListener("input", render);
  form.addEventListener("change", render);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  render();
})();
