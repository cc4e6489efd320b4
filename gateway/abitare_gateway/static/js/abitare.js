// Every page: each table of more than three columns becomes one card per row on a phone
// (.abitare-stack in abitare.css), its cells labelled with their column's heading; narrower
// tables stay tables. Without JavaScript a table scrolls sideways inside its .table-responsive box.
(function () {
  "use strict";
  document.querySelectorAll("main table:not(.abitare-no-stack)").forEach(function (table) {
    var headings = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (headings.length <= 3 && !table.classList.contains("abitare-stack")) {
      return;
    }
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", cell.colSpan > 1 ? "" : (headings[column] || ""));
        }
        column += cell.colSpan;
      });
    });
    table.classList.add("abitare-stack");
  });
})();
