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
})();
