// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var script = document.currentScript;

  // Send the CSRF token (in a <meta> for signed-in users) with every htmx request.
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  // Screen readers hear what an htmx update changed: a swapped-in element with
  // data-announce="12 projects found" is read out through the page's live region.
  var live = document.getElementById("live-region");
  function announce(text) {
    if (!live || !text) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // An outerHTML swap (the site's convention) replaced the target: read its successor.
    if (target && target.id && !target.isConnected) target = document.getElementById(target.id);
    var source = target && (target.matches("[data-announce]") ? target : target.querySelector("[data-announce]"));
    if (source) {
      announce(source.getAttribute("data-announce"));
    }
  });
  document.addEventListener("htmx:sendError", function () {
    announce(live && live.getAttribute("data-offline-message"));
  });

  function afterLoadAndPaint(callback) {
    window.addEventListener("load", function () {
      window.requestAnimationFrame(function () { window.setTimeout(callback, 0); });
    });
  }

  afterLoadAndPaint(function () {
    // htmx only speeds up what already works, so it comes after the first paint.
    if (script && script.dataset.htmx) {
      var htmx = document.createElement("script");
      htmx.src = script.dataset.htmx;
      document.head.appendChild(htmx);
    }
    // Keep the pages and files a visitor has opened readable offline.
    if ("serviceWorker" in navigator && script && script.dataset.serviceWorker) {
      navigator.serviceWorker.register(script.dataset.serviceWorker).catch(function () {});
    }
  });
})();
