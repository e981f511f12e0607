// Starts the vendored Swagger UI on /schema. A file rather than an inline script, because the
// Content-Security-Policy allows scripts from this service only.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-container");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
});
