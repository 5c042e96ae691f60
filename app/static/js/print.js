/* Print buttons (`.js-print`) on the print pages. No inline scripts (CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var target = ev.target;
    var button = target && target.closest ? target.closest(".js-print") : null;
    if (button) {
      ev.preventDefault();
      window.print();
    }
  });
  // The button only works with scripts: show it only then.
  Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
    button.hidden = false;
  });
}());
