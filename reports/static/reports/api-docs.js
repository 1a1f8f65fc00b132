// Swagger UI for the agency API (reports/templates/reports/api_docs.html), from our own static
// files (npm swagger-ui-dist, NODE_STATIC): the LMS runs on an intranet, so no CDN, no online
// validator badge, and only GET can be tried (the API is read-only).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    domNode: target,
    deepLinking: false,
    validatorUrl: null,
    supportedSubmitMethods: ["get"],
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    syntaxHighlight: false
  });

  // Swagger UI renders a parameter's input or select without a label (WCAG 4.1.2): name each
  // one after its parameter row, also for the rows it renders later (operations opened, "Try it out").
  function nameParameterFields(root) {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      row.querySelectorAll("input, select, textarea").forEach(function (field) {
        if (!field.hasAttribute("aria-label") && !field.labels.length) {
          field.setAttribute("aria-label", row.getAttribute("data-param-name"));
        }
      });
    });
  }
  new MutationObserver(function () { nameParameterFields(target); })
    .observe(target, { childList: true, subtree: true });
})();
