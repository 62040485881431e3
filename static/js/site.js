// On every page (loaded by base.html): the main menu collapses behind a disclosure button on narrow screens, and
// every cell of a data table carries its column's name (data-label), which the stacked phone layout shows.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 40rem)");

  function setUpMenu() {
    var nav = document.querySelector(".main-nav");
    var button = nav && nav.querySelector(".main-nav__toggle");
    if (!button) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("main-nav--open", open);
    }
    function fit() {
      button.hidden = !narrow.matches;
      show(!narrow.matches);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    fit();
  }

  function columnNames(table) {
    var names = [];
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return names; }
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) { names.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    return names;
  }

  function labelCells(table) {
    var names = columnNames(table);
    if (!names.length) { return; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column];
          // A cell spanning the whole row (e.g. "nothing yet") needs no column name.
          if (name && cell.colSpan < names.length) { cell.setAttribute("data-label", name); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("table--labelled");
  }

  function setUpTables() {
    Array.prototype.forEach.call(document.querySelectorAll("table.table"), function (table) {
      labelCells(table);
      // Rows added later (live delivery progress) get their labels too.
      if (window.MutationObserver) {
        new MutationObserver(function () { labelCells(table); }).observe(table, { childList: true, subtree: true });
      }
    });
  }

  setUpMenu();
  setUpTables();
})();
