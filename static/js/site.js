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
  // Feedback while waiting: the region being replaced is aria-busy (dimmed by the CSS) until the answer.
  var offline = document.getElementById("offline-notice");
  function regionOf(event) {
    var target = event.detail.target;
    return target && target.id && !target.isConnected ? document.getElementById(target.id) : target;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = regionOf(event);
    if (region) region.setAttribute("aria-busy", "true");
  });
  var failure = document.getElementById("request-error");
  document.addEventListener("htmx:afterRequest", function (event) {
    var region = regionOf(event);
    if (region) region.removeAttribute("aria-busy");
    if (event.detail.successful && offline) offline.hidden = true;
    if (event.detail.successful && failure) {
      failure.hidden = true;
      failure.removeAttribute("role");
    }
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    var leaving = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Redirect");
    if (form && !leaving) sent(form);
  });
  // A request that never reached the server: a visible notice, not only an announcement.
  document.addEventListener("htmx:sendError", function () {
    if (offline) offline.hidden = false;
    announce(live && live.getAttribute("data-offline-message"));
  });

  // An error answer htmx does not swap (403, 413, 500, 503…): the page, and whatever was typed
  // in it, stay as they are; a visible notice says what the server answered.
  document.addEventListener("htmx:responseError", function (event) {
    if (!failure) return;
    var answer = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    var title = answer.querySelector(".error h1");
    var explanation = answer.querySelector(".error h1 + p");
    failure.textContent = title && explanation
      ? title.textContent + ": " + explanation.textContent
      : failure.getAttribute("data-fallback");
    // role="alert" only while shown: a page's alert is its error summary otherwise.
    failure.setAttribute("role", "alert");
    failure.hidden = false;
    failure.focus({ preventScroll: true });
    failure.scrollIntoView({ block: "nearest" });
  });

  // Double submission: a form being sent says "Sending…" and ignores further submits.
  // (Without JavaScript the server makes a repeated POST idempotent.)
  function sent(form) {
    form.classList.remove("is-sending");
    form.querySelectorAll("button[type=submit][data-sending]").forEach(function (button) {
      button.disabled = false;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = form.querySelector("button[type=submit][data-sending]");
    if (!button) return;
    if (form.classList.contains("is-sending")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.classList.add("is-sending");
    window.setTimeout(function () { button.disabled = true; }, 0);
  }, true);
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.is-sending").forEach(sent);
  });

  // Focus after a swap: to the error summary of an invalid form (GOV.UK), or to the results heading
  // after paging, filtering or sorting (not while typing a search), scrolled to the top of the view.
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = regionOf(event);
    if (!region || !region.querySelector) return;
    var summary = region.querySelector(".error-summary");
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var heading = region.matches("[data-focus-after-swap]") ? region : region.querySelector("[data-focus-after-swap]");
    var focus = summary || (trigger && trigger.type !== "input" && heading);
    if (focus) {
      focus.focus({ preventScroll: true });
      focus.scrollIntoView({ block: "start" });
    }
  });

  // The catalogue's filters: a closed disclosure on small screens, an open sidebar on wide ones.
  var wide = window.matchMedia && window.matchMedia("(min-width: 48rem)");
  function openWide() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = wide.matches;
    });
  }
  if (wide) {
    openWide();
    if (wide.addEventListener) wide.addEventListener("change", openWide);
  }

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
