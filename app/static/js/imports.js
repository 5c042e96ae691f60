/* Import page: while a file is read or imported (it can take a while), show that it is working
   and refuse a second click. Progressive enhancement: without this file the forms still work. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  onReady(function () {
    Array.prototype.slice.call(document.querySelectorAll("form.js-busy")).forEach(function (form) {
      var busy = false;
      form.addEventListener("submit", function (ev) {
        if (busy) { ev.preventDefault(); return; }
        busy = true;
        var button = form.querySelector("button[type=submit]");
        if (button) {
          button.setAttribute("aria-disabled", "true");
          button.classList.add("disabled");
          var spinner = document.createElement("span");
          spinner.className = "spinner-border spinner-border-sm ms-2";
          spinner.setAttribute("aria-hidden", "true");
          button.appendChild(spinner);
        }
        var status = form.querySelector(".busy-status");
        if (status) { status.textContent = form.dataset.busyText || ""; }
      });
    });
  });
})();
