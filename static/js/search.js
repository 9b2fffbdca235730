// Search page: on a wide screen, show the filter panel open. Without this script the panel
// is a <details> element that opens with a click, so the page works the same without it.
(function () {
  "use strict";
  var panel = document.querySelector("details[data-open-wide]");
  if (!panel || !window.matchMedia) {
    return;
  }
  if (window.matchMedia("(min-width: 56rem)").matches) {
    panel.open = true;
  }
})();
