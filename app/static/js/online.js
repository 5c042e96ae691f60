/* Online reception: progressive enhancement only (every page works without it). No inline scripts (CSP). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  onReady(function () {
    // The public form: show only the slots of the chosen agency.
    var form = document.getElementById("online-request-form");
    if (form) {
      var agency = document.getElementById("agency");
      var slot = document.getElementById("slot");
      var filterSlots = function () {
        if (!agency || !slot) { return; }
        var chosen = agency.value;
        Array.prototype.forEach.call(slot.querySelectorAll("optgroup"), function (group) {
          var options = group.querySelectorAll("option");
          var mine = !chosen || (options.length && options[0].getAttribute("data-agency") === chosen);
          group.hidden = !mine;
          Array.prototype.forEach.call(options, function (o) { o.disabled = !mine; });
        });
        var selected = slot.options[slot.selectedIndex];
        if (selected && selected.disabled) { slot.value = ""; }
      };
      if (agency) { agency.addEventListener("change", filterSlots); filterSlots(); }

      // One submission: a second click while sending does nothing.
      var sending = false;
      form.addEventListener("submit", function (ev) {
        if (sending) { ev.preventDefault(); return; }
        sending = true;
        var btn = document.getElementById("submit-online-request");
        if (btn) { btn.setAttribute("aria-disabled", "true"); btn.classList.add("disabled"); }
        var status = document.getElementById("sending-status");
        if (status) { status.textContent = form.dataset.msgSending; }
      });
    }

    // The recording form: refuse a file over the limit before sending it.
    var rec = document.getElementById("recording-form");
    if (rec) {
      var input = document.getElementById("recording");
      var error = document.getElementById("recording-client-error");
      var maxBytes = parseInt(rec.dataset.maxBytes, 10);
      var check = function () {
        var file = input && input.files && input.files[0];
        var tooBig = Boolean(file && file.size > maxBytes);
        error.textContent = tooBig ? rec.dataset.msgTooBig : "";
        input.classList.toggle("is-invalid", tooBig);
        return !tooBig;
      };
      if (input) { input.addEventListener("change", check); }
      rec.addEventListener("submit", function (ev) {
        if (!check()) { ev.preventDefault(); input.focus(); }
      });
    }
  });
}());
