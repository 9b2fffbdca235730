// Search page: on a wide screen, show the search form and its filter panel open. Without this
// script both are <details> elements that open with a tap, so the page works the same without it.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 56rem)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
})();
