// Surveys: show a conditional question only when the choice it depends on is picked (progressive enhancement:
// without JavaScript every question is shown with a note, and the server ignores answers to hidden questions).
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) return;
  var conditional = form.querySelectorAll("[data-condition]");
  if (!conditional.length) return;

  function update() {
    conditional.forEach(function (block) {
      var choice = form.querySelector('[data-choice="' + block.getAttribute("data-condition") + '"]');
      // The choice counts only if its own question is shown.
      var parent = choice ? choice.closest(".survey-question") : null;
      var shown = !!(choice && choice.checked && parent && !parent.hidden);
      block.hidden = !shown;
      block.style.display = shown ? "" : "none";  // .form__field sets display, which would win over [hidden]
      block.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !shown;
      });
      var note = block.querySelector('[id$="-condition"]');
      if (note) note.hidden = true;  // the question appears when relevant; the note is for the no-script page
    });
  }

  form.addEventListener("change", function () {
    // Two passes settle chains of conditions (a question depending on a conditional question).
    update();
    update();
  });
  update();
  update();
})();
