/* The reception desk: look-up as you type, the history panel as the ID number or phone is typed,
   and only the outcome details that apply. The form works fully without this file. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // POST with the form's CSRF token: what is typed (names, ID numbers) never goes into a URL.
  function fetchInto(url, params, target) {
    var form = document.getElementById("desk-form");
    var token = form ? form.querySelector("input[name='csrf_token']") : null;
    if (token) { params.append("csrf_token", token.value); }
    return fetch(url, { method: "POST", credentials: "same-origin", body: params,
                        headers: { "X-Requested-With": "fetch" } })
      .then(function (resp) { return resp.ok ? resp.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } })
      .catch(function () { /* the no-JS buttons still work */ });
  }

  onReady(function () {
    var form = document.getElementById("desk-form");
    if (!form) { return; }

    // After "Thêm người" or picking a person, the cursor goes where the next thing is typed.
    if (form.dataset.focus && !document.getElementById("error-summary")) {
      var next = document.getElementById(form.dataset.focus);
      if (next) { next.focus(); }
    }

    // Look-up as you type (ID number, phone, or name with or without diacritics).
    var lookup = form.querySelector(".js-people-lookup");
    var results = document.getElementById("people-results");
    if (lookup && results) {
      var runLookup = debounce(function () {
        var q = lookup.value.trim();
        if (q.length < 2) { results.innerHTML = ""; return; }
        var params = new URLSearchParams();
        params.append("q", q);
        fetchInto(form.dataset.peopleUrl, params, results);
      }, 250);
      lookup.addEventListener("input", runLookup);
      // Enter in the look-up box looks up; it never sends the visit.
      lookup.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); runLookup(); }
      });
    }

    // The history panel follows the ID numbers and phones typed (and people picked).
    var panel = document.getElementById("history-panel");
    function refreshHistory() {
      if (!panel) { return; }
      var params = new URLSearchParams();
      form.querySelectorAll("input[name$='-id_number']").forEach(function (el) {
        var v = el.value.replace(/\D/g, "");
        if (v.length === 12) { params.append("id_number", v); }
      });
      form.querySelectorAll("input[name$='-phone']").forEach(function (el) {
        var v = el.value.replace(/[^\d+]/g, "");
        if (v.length >= 10) { params.append("phone", v); }
      });
      form.querySelectorAll("input[name$='-person_id']").forEach(function (el) {
        if (el.value) { params.append("person_id", el.value); }
      });
      var chosen = form.querySelector("input[name='repeat_ref']:checked");
      if (chosen) { params.append("selected", chosen.value); }
      fetchInto(form.dataset.historyUrl, params, panel);
    }
    var refreshSoon = debounce(refreshHistory, 300);
    form.querySelectorAll("input[name$='-id_number'], input[name$='-phone']").forEach(function (el) {
      el.addEventListener("input", refreshSoon);
      el.addEventListener("change", refreshSoon);
    });

    // Only the details of the chosen outcome are shown (all stay in the page without JS).
    var outcomes = Array.prototype.slice.call(form.querySelectorAll("input[name='outcome']"));
    function showOutcome() {
      var chosen = outcomes.filter(function (r) { return r.checked; }).map(function (r) { return r.value; })[0];
      form.querySelectorAll(".outcome-details").forEach(function (box) {
        box.hidden = box.dataset.outcome !== chosen;
      });
    }
    outcomes.forEach(function (r) { r.addEventListener("change", showOutcome); });
    showOutcome();
  });
})();
