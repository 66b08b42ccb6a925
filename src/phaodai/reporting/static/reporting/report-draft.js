/* Never lose a report (issue #5, item 8).
 *
 * On the team report page: every input is saved to localStorage (keyed by team and day); a saved draft is put back
 * when the page opens again. Submitting goes through fetch: offline, or if the request fails, the draft (with the
 * page's idempotency key) stays on the phone and is re-sent when the `online` event fires — with the SAME key, so
 * the server stores it once however many times it arrives. The draft is cleared once the server has it.
 * Progressive enhancement: without JavaScript the form posts as any form does.
 */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch || !window.localStorage || !window.FormData) return;
  var key = form.getAttribute("data-draft-key");
  var note = document.getElementById("draft-note");
  var sending = false;

  function say(text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }

  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(extra) {
    var draft = read() || {};
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values[el.name] = el.value;
        else if (!(el.name in values)) values[el.name] = values[el.name] || "";
      } else {
        values[el.name] = el.value;
      }
    });
    draft.values = values;
    draft.saved_at = new Date().toISOString();
    if (extra) for (var k in extra) draft[k] = extra[k];
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: nothing better to do */ }
    return draft;
  }

  function restore(draft) {
    fields().forEach(function (el) {
      if (!(el.name in draft.values)) return;
      var value = draft.values[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
      else el.value = value;
    });
  }

  function clear() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function body(draft) {
    var data = new FormData();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) data.append("csrfmiddlewaretoken", token.value);
    for (var name in draft.values) data.append(name, draft.values[name]);
    return data;
  }

  function queued() {
    save({ pending: true });
    say(form.getAttribute("data-msg-offline"));
  }

  function send(draft) {
    if (sending) return;
    sending = true;
    fetch(form.action || window.location.href, {
      method: "POST",
      body: body(draft),
      credentials: "same-origin",
      headers: { "X-Report-Draft": "1" }
    }).then(function (response) {
      sending = false;
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) {
          clear();
          window.location.assign(answer.url);
        });
      }
      // The server has something to say (a figure to correct, a refusal): let the page post and show it; the draft
      // stays, no longer pending.
      save({ pending: false });
      HTMLFormElement.prototype.submit.call(form);
    }, function () {
      sending = false;
      queued();
    });
  }

  var saved = read();
  if (saved && saved.values) {
    if (form.getAttribute("data-posted")) {
      // The server just answered this form with its remarks: its values are the ones to keep.
      save();
    } else {
      restore(saved);
      say(form.getAttribute("data-msg-restored"));
    }
    if (saved.pending && navigator.onLine) {
      say(form.getAttribute("data-msg-sending"));
      send(saved);
    } else if (saved.pending) {
      say(form.getAttribute("data-msg-offline"));
    }
  }

  form.addEventListener("input", function () { save(); });
  form.addEventListener("change", function () { save(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var draft = save({ pending: true });
    if (!navigator.onLine) {
      queued();
      return;
    }
    send(draft);
  });
  window.addEventListener("online", function () {
    var draft = read();
    if (draft && draft.pending) {
      say(form.getAttribute("data-msg-sending"));
      send(draft);
    }
  });
})();
