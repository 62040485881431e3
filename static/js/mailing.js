// Live delivery progress on a post's or an invitation's page: polls the JSON endpoint until nothing is waiting.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var table = box.querySelector("[data-failures] tbody");

  function render(data) {
    ["sent", "waiting", "failed", "skipped"].forEach(function (name) {
      var cell = box.querySelector('[data-count="' + name + '"]');
      if (cell) { cell.textContent = data[name]; }
    });
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.sent + data.failed + data.skipped;
    }
    if (table && data.failures.length) {
      table.textContent = "";
      data.failures.forEach(function (failure) {
        var row = document.createElement("tr");
        [failure.recipient, failure.status, failure.reason].forEach(function (value) {
          var cell = document.createElement("td");
          cell.textContent = value;
          row.appendChild(cell);
        });
        table.appendChild(row);
      });
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        render(data);
        if (!data.done) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
