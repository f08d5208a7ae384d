/* The phone pages without signal (issue 18): registers the service worker, keeps a form that
   cannot be sent (form[data-offline-kind]) in the phone's store (offline-store.js), sends the
   waiting records when the signal returns, at each page load and on "Send now", draws the queue
   page's waiting list, fills a form being corrected, and clears everything at sign-out. */
(function () {
  "use strict";
  var Store = window.TownshipOffline;
  var body = document.body;
  if (!Store || !body || !window.indexedDB) return;
  var user = body.dataset.offlineUser || "";
  var urls = { status: body.dataset.offlineStatus, sync: body.dataset.offlineSync };
  var texts = (document.getElementById("offline-texts") || {}).dataset || {};
  var PHOTO_MAX = 1600; // pixels on the longer side; the server still checks type and size

  function fill(text, n) { return (text || "").replace("{n}", n); }

  function notice(text, kind) {
    var el = document.getElementById("offline-notice");
    if (!el || !text) return;
    el.className = "alert py-2 alert-" + (kind || "info");
    el.textContent = text;
    el.hidden = false;
  }

  function showSignal() {
    var banner = document.getElementById("offline-banner");
    if (banner) banner.hidden = navigator.onLine;
  }

  function waitingOfMine() {
    return Store.all().then(function (records) { return Store.mine(records, user); });
  }

  function refreshBadge() {
    if (!user) return Promise.resolve();
    return waitingOfMine().then(function (records) {
      document.querySelectorAll("[data-offline-badge]").forEach(function (el) {
        el.textContent = records.length ? String(records.length) : "";
        el.hidden = !records.length;
      });
      drawWaiting(records);
      body.dataset.offlineCount = String(records.filter(function (r) { return r.status === "waiting"; }).length);
    });
  }

  function drawWaiting(records) {
    var list = document.querySelector("[data-offline-waiting]");
    if (!list) return;
    list.textContent = "";
    if (!records.length) {
      var none = document.createElement("li");
      none.className = "list-group-item text-muted small";
      none.textContent = texts.none || "";
      list.appendChild(none);
      return;
    }
    records.sort(function (a, b) { return a.taken_at < b.taken_at ? -1 : 1; });
    records.forEach(function (rec) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex flex-wrap gap-2 align-items-center";
      li.dataset.clientId = rec.id;
      var label = document.createElement("span");
      label.className = "fw-semibold";
      label.textContent = rec.label || rec.kind;
      var when = document.createElement("span");
      when.className = "small text-muted";
      when.textContent = new Date(rec.taken_at).toLocaleString();
      li.appendChild(label);
      li.appendChild(when);
      if (rec.files && rec.files.length) {
        var photos = document.createElement("span");
        photos.className = "small text-muted";
        photos.textContent = fill(texts.photos, rec.files.length);
        li.appendChild(photos);
      }
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "btn btn-sm btn-outline-secondary ms-auto";
      drop.textContent = "×";
      drop.setAttribute("aria-label", texts.discard || "");
      drop.addEventListener("click", function () {
        if (window.confirm(texts.discard)) Store.remove(rec.id).then(refreshBadge);
      });
      li.appendChild(drop);
      if (rec.status === "refused") {
        var why = document.createElement("div");
        why.className = "w-100 small text-danger";
        why.textContent = rec.message || "";
        li.appendChild(why);
      }
      list.appendChild(li);
    });
  }

  // A photo made smaller on the phone before it is stored: a canvas redraws it as a JPEG no
  // larger than PHOTO_MAX on its longer side (createImageBitmap: no blob: URL, which the CSP
  // does not allow for images).
  function shrink(file) {
    if (!file.type || file.type.indexOf("image/") !== 0 || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_MAX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      });
    }, function () { return file; });
  }

  function keepOffline(form, submitter) {
    var data = new FormData(form, submitter || undefined);
    var fields = [];
    var files = [];
    var pending = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "next") return;
      if (value instanceof File) {
        if (!value.size) return;
        pending.push(shrink(value).then(function (blob) {
          files.push([name, blob, value.name.replace(/\.[^.]*$/, "") + (blob === value ? "" : ".jpg")]);
        }));
      } else {
        fields.push([name, value]);
      }
    });
    return Promise.all(pending).then(function () {
      var record = {
        id: Store.uuid(), owner: user, kind: form.dataset.offlineKind, label: form.dataset.offlineLabel || "",
        taken_at: new Date().toISOString(), offline: true, fields: fields, files: files, status: "waiting",
      };
      return Store.put(record).then(function () { return record; });
    });
  }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register("offline-records");
      return null;
    }).catch(function () { return null; });
  }

  function send() {
    if (!user || !navigator.onLine) return Promise.resolve(null);
    body.dataset.offlineSending = "1";
    return Store.flush(urls).then(function (out) {
      // What the phone still holds decides the notice (the service worker may have sent some of
      // the records meanwhile): refused records wait for the person until corrected or discarded.
      return waitingOfMine().then(function (records) {
        var refused = records.filter(function (r) { return r.status === "refused"; }).length;
        var waiting = records.length - refused;
        if (out.signedOut && waiting) notice(texts.signin, "warning");
        else if (refused) notice(fill(texts.refused, refused), "danger");
        else if (out.sent) notice(fill(texts.sent, out.sent), "success");
        return out;
      });
    }).then(function (out) {
      return refreshBadge().then(function () { delete body.dataset.offlineSending; return out; });
    }, function () { delete body.dataset.offlineSending; });
  }
  window.TownshipOffline.send = send;

  // A form being corrected (the queue page's "Correct"): what was sent fills it again; the
  // photos come back from the phone's store when it still holds the record.
  function fillForm(form, pairs, files) {
    var byName = {};
    pairs.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Object.keys(byName).forEach(function (name) {
      var values = byName[name];
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
        else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
        } else if (el.type !== "file" && el.name !== "csrfmiddlewaretoken") el.value = values[0];
      });
    });
    if (files && files.length && window.DataTransfer) {
      var byInput = {};
      files.forEach(function (f) { (byInput[f[0]] = byInput[f[0]] || new DataTransfer()).items.add(new File([f[1]], f[2], { type: f[1].type })); });
      Object.keys(byInput).forEach(function (name) {
        var input = form.querySelector("input[type=file][name='" + name.replace(/'/g, "") + "']");
        if (input) input.files = byInput[name].files;
      });
    }
  }

  function correcting() {
    var params = new URLSearchParams(window.location.search);
    var id = params.get("offline_correct");
    var form = document.querySelector("form[data-offline-kind]");
    if (!id || !form) return;
    Store.get(id).then(function (rec) {
      if (rec && rec.owner === user) {
        fillForm(form, rec.fields, rec.files);
        return Store.remove(id).then(refreshBadge);
      }
      var pairs = [];
      params.forEach(function (v, k) { if (k !== "offline_correct") pairs.push([k, v]); });
      fillForm(form, pairs, []);
      return null;
    });
  }

  function forgetEverything() {
    var jobs = [Store.clear()];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("township-") === 0; }).map(function (k) { return caches.delete(k); }));
      }));
    }
    try { window.localStorage.removeItem("offline-warmed"); } catch (e) { /* private mode */ }
    return Promise.all(jobs);
  }

  function warmPages() {
    // The forms and the person's lists are fetched again for the service worker at most every ten minutes.
    var last = 0;
    try { last = Number(window.localStorage.getItem("offline-warmed")) || 0; } catch (e) { last = 0; }
    if (Date.now() - last < 10 * 60 * 1000) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ type: "warm" });
      try { window.localStorage.setItem("offline-warmed", String(Date.now())); } catch (e) { /* private mode */ }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-offline-signout]")) {
      event.preventDefault();
      waitingOfMine().then(function (records) {
        var waiting = records.filter(function (r) { return r.status === "waiting"; }).length;
        if (waiting && !window.confirm(fill(texts.signout, waiting))) return null;
        return forgetEverything().then(function () { form.submit(); });
      });
      return;
    }
    if (form.matches("form[data-offline-forget]")) {
      event.preventDefault();
      Store.remove(form.dataset.offlineForget).then(function () { form.submit(); }, function () { form.submit(); });
      return;
    }
    if (!form.matches("form[data-offline-kind]") || navigator.onLine || !user) return;
    event.preventDefault();
    keepOffline(form, event.submitter).then(function () {
      if (form.dataset.offlineKind !== "punch") form.reset();
      notice(texts.saved, "success");
      window.scrollTo(0, 0);
      askBackgroundSync();
      return refreshBadge();
    });
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-offline-send]");
    if (button) send();
  });
  window.addEventListener("online", function () { showSignal(); send(); });
  window.addEventListener("offline", showSignal);

  showSignal();
  if ("serviceWorker" in navigator && body.dataset.offlineSw) {
    navigator.serviceWorker.register(body.dataset.offlineSw, { scope: "/" }).then(function () {
      if (user && navigator.onLine) warmPages();
    }, function () { return null; });
  }
  if (user) {
    correcting();
    refreshBadge().then(send);
  }
})();
