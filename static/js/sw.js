/* The service worker of the phone pages (issue 18), hand-written, no CDN.  Served from the site's
   root by township.views_offline.service_worker, which puts self.OFFLINE_CONFIG before this file:
   {pages: the pages kept for use without signal, shell: the files every page needs, store: the
   records' store script, status, sync, queue: URLs}.

   - The shell (styles, scripts, icon font) is answered from the cache and refreshed behind it.
   - The kept pages (the forms and the person's own lists) are fetched from the network and kept;
     without signal the kept copy answers (marked X-Offline-Copy).  A page that answered a redirect
     (signed out) is not kept.  Every other page, download and request is left to the network.
   - Background Sync ("offline-records") sends the waiting records where the browser has it; the
     pages also send them when the signal returns, at the next page load and on "Send now".
   - At sign-out the pages clear the kept pages and the records (offline.js). */
"use strict";
var CONFIG = self.OFFLINE_CONFIG;
var SHELL = "township-shell-v1";
var PAGES = "township-pages-v1";
importScripts(CONFIG.store);

function isPage(url) {
  return CONFIG.pages.indexOf(url.pathname) !== -1;
}

function keep(cacheName, key, response) {
  var copy = response.clone();
  return caches.open(cacheName).then(function (cache) { return cache.put(key, copy); });
}

function warm() {
  return Promise.all(CONFIG.pages.map(function (path) {
    return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.ok && !response.redirected) return keep(PAGES, path, response);
      return null;
    }, function () { return null; });
  }));
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(CONFIG.shell); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) keep(SHELL, request, response);
        return response;
      });
      if (hit) {
        fresh.catch(function () { return null; });
        return hit;
      }
      return fresh;
    }));
    return;
  }
  if (!isPage(url)) return; // every other page, download and request goes to the network as ever
  event.respondWith(fetch(request).then(function (response) {
    if (!url.search && response.ok && !response.redirected) keep(PAGES, url.pathname, response);
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(url.pathname); }).then(function (hit) {
      if (!hit) return Response.error();
      // The kept copy, marked as such (X-Offline-Copy) for the IT staff's and the tests' eyes.
      var headers = new Headers(hit.headers);
      headers.set("X-Offline-Copy", "1");
      return hit.blob().then(function (body) {
        return new Response(body, { status: hit.status, statusText: hit.statusText, headers: headers });
      });
    });
  }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "warm") event.waitUntil(warm());
  if (data.type === "forget") event.waitUntil(caches.delete(PAGES));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "offline-records") event.waitUntil(self.TownshipOffline.flush(CONFIG));
});
