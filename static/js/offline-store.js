/* Records taken on the phone without signal (issue 18): the phone's store (IndexedDB) and their
   sending to /offline/sync/.  Loaded by the pages (offline.js) and by the service worker (sw.js,
   for Background Sync).  Each record keeps the id made on the phone (a UUID): the server saves a
   client id once, so sending a record again, from a page and the worker at once, saves nothing
   twice.  A sent record leaves the phone; a refused one stays, with the server's message, until
   the person corrects or discards it. */
(function (root) {
  "use strict";
  var DB = "township-offline";
  var STORE = "records";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = root.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: "id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  // Run fn(store) in one transaction; resolves with the value of the request fn returns (if any)
  // once the transaction has completed, so a caller never reads a write that may still fail.
  function run(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() { return run("readonly", function (s) { return s.getAll(); }); }
  function get(id) { return run("readonly", function (s) { return s.get(id); }); }
  function put(record) { return run("readwrite", function (s) { return s.put(record); }); }
  function remove(id) { return run("readwrite", function (s) { return s.delete(id); }); }
  function clear() { return run("readwrite", function (s) { return s.clear(); }); }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function mine(records, user) {
    return records.filter(function (r) { return r.owner === String(user); });
  }

  // Send every waiting record of the signed-in person, one after another.  Resolves with what
  // happened: {sent, refused, waiting, signedOut, failed}.  One sending at a time per context.
  var running = null;
  function flush(urls) {
    if (!running) {
      running = send(urls).then(
        function (r) { running = null; return r; },
        function (e) { running = null; throw e; }
      );
    }
    return running;
  }

  async function send(urls) {
    var out = { sent: 0, refused: 0, waiting: 0, signedOut: false, failed: false };
    var status;
    try {
      var answer = await fetch(urls.status, { credentials: "same-origin", cache: "no-store" });
      status = answer.ok ? await answer.json() : { signed_in: false };
    } catch (e) {
      out.failed = true;
      return out;
    }
    if (!status.signed_in) {
      out.signedOut = true;
      return out;
    }
    var batch = uuid();
    var waiting = mine(await all(), status.user).filter(function (r) { return r.status === "waiting"; });
    for (var i = 0; i < waiting.length; i++) {
      var rec = waiting[i];
      var body = new FormData();
      rec.fields.forEach(function (f) { body.append(f[0], f[1]); });
      (rec.files || []).forEach(function (f) { body.append(f[0], f[1], f[2]); });
      body.append("_client_id", rec.id);
      body.append("_kind", rec.kind);
      body.append("_taken_at", rec.taken_at);
      body.append("_offline", rec.offline ? "1" : "0");
      body.append("_batch", batch);
      var response;
      try {
        response = await fetch(urls.sync, {
          method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": status.csrf },
        });
      } catch (e) {
        out.failed = true;
        break;
      }
      if (response.status === 401 || response.status === 403) {
        out.signedOut = true;
        break;
      }
      var result;
      try {
        result = await response.json();
      } catch (e) {
        out.failed = true;
        break;
      }
      if (result.status === "sent") {
        await remove(rec.id);
        out.sent += 1;
      } else {
        rec.status = "refused";
        rec.message = result.message || "";
        rec.rule = result.rule || "";
        await put(rec);
        out.refused += 1;
      }
    }
    out.waiting = mine(await all(), status.user).filter(function (r) { return r.status === "waiting"; }).length;
    return out;
  }

  root.TownshipOffline = {
    all: all, get: get, put: put, remove: remove, clear: clear, uuid: uuid, mine: mine, flush: flush,
  };
})(self);
