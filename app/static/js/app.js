/* Progressive enhancement: every page works without this file. No inline scripts (CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  onReady(function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }

    var printBtn = document.getElementById("print-receipt");
    if (printBtn) { printBtn.addEventListener("click", function () { window.print(); }); }

    // Triage: show only the eligibility items of the chosen kind.
    var kindRadios = Array.prototype.slice.call(document.querySelectorAll("input[name='classify-kind']"));
    if (kindRadios.length) {
      var showItems = function () {
        var chosen = kindRadios.filter(function (r) { return r.checked; }).map(function (r) { return r.value; })[0];
        document.querySelectorAll(".eligibility-item").forEach(function (item) {
          var kinds = (item.dataset.kinds || "").split(" ");
          item.hidden = Boolean(chosen) && kinds.indexOf(chosen) === -1;
        });
      };
      kindRadios.forEach(function (r) { r.addEventListener("change", showItems); });
      showItems();
    }

    var form = document.getElementById("petition-form");
    if (!form) { return; }

    // Show the group and prior-handling details only when they apply.
    function toggle(control, panel, isOn) {
      if (!control || !panel) { return; }
      var update = function () { panel.classList.toggle("collapsed", !isOn()); };
      control.forEach ? control.forEach(function (c) { c.addEventListener("change", update); })
                      : control.addEventListener("change", update);
      update();
    }
    var isGroup = document.getElementById("is_group");
    toggle(isGroup, document.getElementById("group-fields"), function () { return isGroup.checked; });
    var prior = Array.prototype.slice.call(document.querySelectorAll("input[name=previously_handled]"));
    toggle(prior, document.getElementById("prior-fields"), function () {
      return prior.some(function (r) { return r.checked && r.value === "yes"; });
    });

    // Check file count and size before sending, so a too-large upload never loses the form.
    var input = document.getElementById("attachments");
    var fileError = document.getElementById("attachments-client-error");
    var maxFiles = parseInt(form.dataset.maxFiles, 10);
    var maxBytes = parseInt(form.dataset.maxMb, 10) * 1024 * 1024;
    function checkFiles() {
      if (!input) { return true; }
      var staged = form.querySelectorAll("input[name=remove_staged]:not(:checked)").length;
      var files = Array.prototype.slice.call(input.files || []);
      var msgs = [];
      if (files.length + staged > maxFiles) { msgs.push(form.dataset.msgTooMany); }
      var big = files.filter(function (f) { return f.size > maxBytes; }).map(function (f) { return f.name; });
      if (big.length) { msgs.push(form.dataset.msgTooBig + " " + big.join(", ")); }
      fileError.textContent = msgs.join(" ");
      input.classList.toggle("is-invalid", msgs.length > 0);
      return msgs.length === 0;
    }
    if (input) { input.addEventListener("change", checkFiles); }

    // One submission: disable the button and say that it is being sent.
    var sending = false;
    form.addEventListener("submit", function (ev) {
      var submitter = ev.submitter;
      if (submitter && submitter.name === "refresh_communes") { return; }
      if (!checkFiles()) { ev.preventDefault(); input.focus(); return; }
      if (sending) { ev.preventDefault(); return; }
      sending = true;
      var btn = document.getElementById("submit-petition");
      if (btn) { btn.setAttribute("aria-disabled", "true"); btn.classList.add("disabled"); }
      var status = document.getElementById("sending-status");
      if (status) { status.textContent = form.dataset.msgSending; }
    });
  });
})();

/* Forms with a province and a commune select (the petition form, the agency form): reload the
   communes of the chosen province without a page reload. Without JS a "refresh" button does it. */
(function () {
  "use strict";
  function bind() {
    var forms = document.querySelectorAll("form.js-communes");
    Array.prototype.forEach.call(forms, function (form) {
      var province = form.querySelector("select[name=province]");
      var commune = form.querySelector("select[name=commune]");
      if (!province || !commune || !form.dataset.communesUrl) { return; }
      province.addEventListener("change", function () {
        commune.innerHTML = "";
        var first = document.createElement("option");
        first.value = ""; first.textContent = form.dataset.msgChooseCommune || "";
        commune.appendChild(first);
        if (!province.value) { return; }
        fetch(form.dataset.communesUrl + "?province=" + encodeURIComponent(province.value),
              { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            items.forEach(function (it) {
              var opt = document.createElement("option");
              opt.value = String(it.id); opt.textContent = it.name;
              commune.appendChild(opt);
            });
          });
      });
    });
  }
  if (document.readyState !== "loading") { bind(); } else { document.addEventListener("DOMContentLoaded", bind); }
})();
