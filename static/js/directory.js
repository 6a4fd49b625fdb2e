/* Keeps the "Voir sur la carte" link in step with the filters after HTMX swaps. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:pushedIntoHistory", function () {
    var link = document.getElementById("map-link");
    if (!link) return;
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    params.delete("sort");
    var qs = params.toString();
    link.href = "/carte/" + (qs ? "?" + qs : "");
  });
})();
