/* Starts Swagger UI from the locally served bundle (no inline script: the CSP forbids it). */
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container", deepLinking: true };
  try {
    var extra = JSON.parse(container.dataset.config || "{}");
    Object.keys(extra).forEach(function (key) { config[key] = extra[key]; });
  } catch (e) { /* keep the defaults */ }
  window.ui = window.SwaggerUIBundle(config);
})();
