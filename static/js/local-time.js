// Adds the visitor's own time under an event's time (the page already shows the event's zone and UTC).
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var lang = document.documentElement.lang || undefined;
  var dateTime = { dateStyle: "long", timeStyle: "short" };
  var timeOnly = { timeStyle: "short" };
  document.querySelectorAll("[data-local-start]").forEach(function (node) {
    var start = new Date(node.getAttribute("data-local-start"));
    if (isNaN(start.getTime())) {
      return;
    }
    var text = new Intl.DateTimeFormat(lang, dateTime).format(start);
    var endValue = node.getAttribute("data-local-end");
    if (endValue) {
      var end = new Date(endValue);
      if (!isNaN(end.getTime())) {
        text += "–" + new Intl.DateTimeFormat(lang, timeOnly).format(end);
      }
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    node.textContent = node.getAttribute("data-label") + " " + text + (zone ? " (" + zone + ")" : "");
    node.hidden = false;
  });
})();
