/* Publisher's resource page: follows the loading of the uploaded file without reloading the page (its status
   endpoint, polled with auzolan.js's window.Auzolan.poll), then shows the table's new figures, or the failure and
   the link to the load report, and announces the end to screen readers. Without this file: a refresh link. */
(function () {
  "use strict";

  function setup(root) {
    if (root.getAttribute("data-finished") === "true" || !window.fetch || !window.Auzolan) return;
    var url = root.getAttribute("data-status-url");
    var body = root.querySelector("[data-table-loading-body]");
    var lastMessage = null;

    function find(selector) {
      return root.querySelector(selector);
    }

    function update(status) {
      var state = find("[data-loading-state]");
      if (state) state.textContent = status.state_label;
      var bar = find("[data-loading-progress]");
      var text = find("[data-loading-text]");
      if (bar && status.percent !== null && status.percent !== undefined) {
        bar.value = status.percent;
        bar.textContent = status.percent + " %";
        if (text) text.textContent = (text.getAttribute("data-text-percent") || "{percent} %").replace("{percent}", status.percent);
      }
      var message = find("[data-loading-message]");
      if (message && status.message !== lastMessage) {
        lastMessage = status.message;
        message.textContent = "";
        if (status.message) {
          var paragraph = document.createElement("p");
          paragraph.textContent = status.message;
          message.appendChild(paragraph);
        }
      }
    }

    function finish(status) {
      root.setAttribute("data-finished", "true");
      if (body) body.innerHTML = status.html;
      var identifier = root.getAttribute("data-resource");
      var lines = document.querySelectorAll('[data-resource-preview="' + identifier + '"]');
      Array.prototype.forEach.call(lines, function (line) {
        if (status.preview_html) line.outerHTML = status.preview_html;
      });
      var announce = find("[data-table-loading-announce]");
      if (announce) announce.textContent = status.announcement || "";
    }

    window.Auzolan.poll(url, function (status) {
      if (status.finished) {
        finish(status);
        return false;
      }
      update(status);
      return true;
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-table-loading]"), setup);
  }

  // Included in the page's body, this script runs before auzolan.js (window.Auzolan.poll): start once both ran.
  if (window.Auzolan) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
