/* API documentation (/api/v1/docs): starts Swagger UI (vendor/swagger-ui, django-ninja's copy of swagger-ui-dist)
   with the settings the page holds as JSON. A static file, since the CSP forbids inline scripts. */
(function () {
  "use strict";

  function start() {
    var holder = document.getElementById("swagger-settings");
    var root = document.getElementById("swagger-ui");
    if (!holder || !root || !window.SwaggerUIBundle) return;
    var config = JSON.parse(holder.textContent);
    config.dom_id = "#swagger-ui";
    config.presets = [window.SwaggerUIBundle.presets.apis];
    var token = root.getAttribute("data-csrf-token");
    if (token) {
      // "Try it out" of the operations that need a session: Django's CSRF check.
      config.requestInterceptor = function (request) {
        request.headers["X-CSRFToken"] = token;
        return request;
      };
    }
    window.SwaggerUIBundle(config);
    labelControls(root);
  }

  /* Swagger UI leaves some controls without a name (the value list of a parameter, the copy button, the close button
     of the authorisation dialog): name them as they appear, from the parameter's row and the page's translated
     texts. */
  function labelControls(root) {
    var copyText = root.getAttribute("data-text-copy") || "Copy";
    var closeText = root.getAttribute("data-text-close") || "Close";
    var valueText = root.getAttribute("data-text-value") || "{name}";

    function name(control) {
      if (control.hasAttribute("aria-label") || control.hasAttribute("aria-labelledby")) return;
      if (control.id && document.querySelector('label[for="' + control.id + '"]')) return;
      var row = control.closest("tr[data-param-name]");
      if (row) {
        control.setAttribute("aria-label", valueText.replace("{name}", row.getAttribute("data-param-name")));
      } else if (control.closest(".copy-to-clipboard")) {
        control.setAttribute("aria-label", copyText);
      } else if (control.classList.contains("close-modal")) {
        control.setAttribute("aria-label", closeText);
      }
    }

    function scan() {
      Array.prototype.forEach.call(
        root.querySelectorAll(
          "tr[data-param-name] select, tr[data-param-name] input, .copy-to-clipboard button, button.close-modal"
        ),
        name
      );
    }

    scan();
    if (window.MutationObserver) new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
