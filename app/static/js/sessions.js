/* Leaders' reception days: show the delegate's name only when the day is delegated.
   Progressive enhancement: without this file the field is simply always shown. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  onReady(function () {
    var form = document.getElementById("session-form");
    if (!form) { return; }
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[name='mode']"));
    var panel = form.querySelector(".delegate-fields");
    if (!radios.length || !panel) { return; }
    var update = function () {
      var delegated = radios.some(function (r) { return r.checked && r.value === "delegated"; });
      // Keep the field visible when it carries an error, so the message is never hidden.
      panel.hidden = !delegated && !panel.querySelector(".is-invalid");
    };
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  });
})();
