// Service worker: pages and files a visitor has already opened stay readable offline.
//
// - Fingerprinted files (/static/...?v=<hash>) never change: cache first.
// - Pages (navigations): network first, the kept copy when the network fails,
//   else the offline page. Never kept: responses marked no-store (signed-in
//   users' pages, personal data), /account and /staff, anything but a plain 200.
// - Everything else (htmx fragments, POST, the API, feeds) is not touched:
//   fragments share their page's URL, so keeping them would mix them up with pages.
// - Both caches are bounded; a new version of this file drops the old caches.
"use strict";

var VERSION = "v1";
var PAGES = "pages-" + VERSION;
var ASSETS = "assets-" + VERSION;
var OFFLINE_URL = "/offline";
var MAX_PAGES = 40;
var MAX_ASSETS = 12;
// Also under a language prefix (/fr/account, /zh-hant/staff).
var PRIVATE_PATH = /^\/(?:[a-z]{2,3}(?:-[a-z0-9]{2,8})*\/)?(account|staff)(\/|$)/;
var ASSET_IN_HTML = /(?:href|src)="(\/static\/[^"]+\?v=[^"]+)"/g;

function trim(cache, max) {
  return cache.keys().then(function (keys) {
    var extra = keys.slice(0, Math.max(0, keys.length - max));
    return Promise.all(extra.map(function (key) { return cache.delete(key); }));
  });
}

function keep(cacheName, key, response, max) {
  return caches.open(cacheName).then(function (cache) {
    return cache.put(key, response).then(function () { return trim(cache, max); });
  });
}

// The offline page and the CSS/JS it links to (the site's own files).
self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch(OFFLINE_URL, { credentials: "omit" }).then(function (response) {
      if (!response.ok) {
        throw new Error("offline page unavailable");
      }
      return response.clone().text().then(function (html) {
        var assets = [];
        html.replace(ASSET_IN_HTML, function (match, url) {
          assets.push(url.replace(/&amp;/g, "&"));
          return match;
        });
        return Promise.all([
          caches.open(PAGES).then(function (cache) { return cache.put(OFFLINE_URL, response); }),
          caches.open(ASSETS).then(function (cache) { return cache.addAll(assets); }),
        ]);
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== PAGES && name !== ASSETS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keepable(response) {
  var cacheControl = response.headers.get("Cache-Control") || "";
  return response.type === "basic" && response.status === 200 && !/no-store/.test(cacheControl);
}

function networkFirst(event) {
  var url = event.request.url;
  return fetch(event.request).then(function (response) {
    if (keepable(response)) {
      event.waitUntil(keep(PAGES, url, response.clone(), MAX_PAGES));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(url, { ignoreVary: true }).then(function (kept) {
        return kept || cache.match(OFFLINE_URL, { ignoreVary: true });
      });
    });
  });
}

function cacheFirst(event) {
  var request = event.request;
  return caches.match(request, { cacheName: ASSETS, ignoreVary: true }).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (keepable(response)) {
        event.waitUntil(keep(ASSETS, request.url, response.clone(), MAX_ASSETS));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 && url.searchParams.has("v")) {
    event.respondWith(cacheFirst(event));
  } else if (request.mode === "navigate" && !PRIVATE_PATH.test(url.pathname)) {
    event.respondWith(networkFirst(event));
  }
});
