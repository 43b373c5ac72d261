// Show times in the reader's own time zone, keeping UTC in the tooltip.
// Without JavaScript every time reads in UTC, which is always correct.
(function () {
  "use strict";
  var full = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  var clock = { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  function localise(root) {
    var times = root.querySelectorAll("time[data-herald-time]");
    for (var i = 0; i < times.length; i++) {
      var element = times[i];
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) continue;
      if (!element.hasAttribute("title")) element.setAttribute("title", element.textContent);
      var options = element.getAttribute("data-herald-time") === "clock" ? clock : full;
      element.textContent = new Intl.DateTimeFormat(undefined, options).format(moment);
    }
  }
  localise(document);
  // Material's search dialog has no accessible name; screen readers announce one.
  var dialogs = document.querySelectorAll(".md-search[role=dialog]:not([aria-label])");
  for (var j = 0; j < dialogs.length; j++) dialogs[j].setAttribute("aria-label", "Search");
  // Material's instant navigation swaps the page content without a reload.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { localise(document); });
  }
})();
