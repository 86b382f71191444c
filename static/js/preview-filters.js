/* Data preview: the "add a filter" form offers only the conditions that fit the chosen column's type, and hides the
   value field when the condition takes none ("est vide"). Without this file every condition is offered and the
   server explains a choice that does not fit. */
(function () {
  "use strict";

  function setup(form) {
    var column = form.querySelector("[data-filter-column]");
    var condition = form.querySelector("[data-filter-condition]");
    var valueField = form.querySelector("[data-filter-value]");
    if (!column || !condition || !valueField) return;
    var input = valueField.querySelector("input");

    function update() {
      var chosen = column.options[column.selectedIndex];
      var type = chosen ? chosen.getAttribute("data-type") : "";
      var firstFitting = null;
      Array.prototype.forEach.call(condition.options, function (option) {
        var types = option.getAttribute("data-types");
        var fits = !type || !types || types.split(" ").indexOf(type) !== -1;
        option.disabled = !fits;
        option.hidden = !fits;
        if (fits && firstFitting === null) firstFitting = option;
      });
      if (condition.options[condition.selectedIndex].disabled && firstFitting) firstFitting.selected = true;
      var noValue = condition.options[condition.selectedIndex].hasAttribute("data-no-value");
      valueField.hidden = noValue;
      if (input) input.disabled = noValue;
    }

    column.addEventListener("change", update);
    condition.addEventListener("change", update);
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-filter]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
