/* Auzolan: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 47.99em)");

  /* Navigation: on narrow screens the menu folds behind a button. Without JS it is simply shown. */
  function setupNavToggle() {
    var button = document.querySelector("[data-nav-toggle]");
    var panel = document.querySelector("[data-nav-panel]");
    if (!button || !panel) return;

    function setExpanded(expanded) {
      button.setAttribute("aria-expanded", expanded ? "true" : "false");
      panel.classList.toggle("is-collapsed", !expanded);
    }

    button.hidden = false;
    document.documentElement.classList.add("has-js");
    setExpanded(!NARROW.matches);

    button.addEventListener("click", function () {
      setExpanded(button.getAttribute("aria-expanded") !== "true");
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && NARROW.matches && button.getAttribute("aria-expanded") === "true") {
        setExpanded(false);
        button.focus();
      }
    });
    var onChange = function () { setExpanded(!NARROW.matches); };
    if (NARROW.addEventListener) NARROW.addEventListener("change", onChange);
    else if (NARROW.addListener) NARROW.addListener(onChange);
  }

  /* Forms: move focus to the error summary so that screen reader users hear it first. */
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  /* Polls a JSON status every 1.5 s while `handle(status)` returns true; after an error, tries again 4 times at
     3 s intervals. Shared with the pages' own scripts as window.Auzolan.poll. */
  function poll(url, handle) {
    var failures = 0;
    function next() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (status) {
          failures = 0;
          if (handle(status)) window.setTimeout(next, 1500);
        })
        .catch(function () {
          failures += 1;
          if (failures < 5) window.setTimeout(next, 3000);
        });
    }
    window.setTimeout(next, 1500);
  }
  window.Auzolan = { poll: poll };

  /* Background jobs: follow progress without reloading; reload once when finished. */
  function setupJobPolling() {
    var root = document.querySelector("[data-job]");
    if (!root || root.getAttribute("data-job-finished") === "true" || !window.fetch) return;

    var url = root.getAttribute("data-job-url");
    var stateEl = root.querySelector("[data-job-state]");
    var progressEl = root.querySelector("[data-job-progress]");
    var progressText = root.querySelector("[data-job-progress-text]");
    var messageEl = root.querySelector("[data-job-message]");
    var percentText = (progressText && progressText.getAttribute("data-text-percent")) || "{percent} %";
    var countText = (progressText && progressText.getAttribute("data-text-count")) || "{done} / {total}";
    var lastMessage = null;

    function update(job) {
      if (stateEl && job.state_label) stateEl.textContent = job.state_label;
      if (progressEl) {
        if (job.percent === null || job.percent === undefined) {
          progressEl.removeAttribute("value");
          progressEl.textContent = "";
        } else {
          progressEl.value = job.percent;
          progressEl.textContent = job.percent + " %";
          if (progressText) {
            var text = percentText.replace("{percent}", job.percent);
            if (job.progress_total) {
              text += " (" + countText.replace("{done}", job.progress_done).replace("{total}", job.progress_total) + ")";
            }
            progressText.textContent = text;
          }
        }
      }
      if (messageEl && job.message !== lastMessage) {
        lastMessage = job.message;
        messageEl.textContent = "";
        if (job.message) {
          var p = document.createElement("p");
          p.textContent = job.message;
          messageEl.appendChild(p);
        }
      }
    }

    poll(url, function (job) {
      update(job);
      if (job.state === "succeeded" || job.state === "failed") {
        window.location.reload();
        return false;
      }
      return true;
    });
  }

  function init() {
    setupNavToggle();
    focusErrorSummary();
    setupJobPolling();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
