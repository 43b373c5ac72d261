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
  // Daily bars: the chart is one tab stop; arrow keys, Home and End move between days,
  // and the focused day shows (and screen readers read) its summary.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var chart = target && target.closest ? target.closest(".herald-bars") : null;
    if (!chart) return;
    var days = chart.querySelectorAll(".herald-bar");
    if (!days.length) return;
    var index = Array.prototype.indexOf.call(days, target);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: days.length - 1 }[event.key];
    if (next === undefined) return;
    // From the chart itself, start at today (the newest day), or the oldest with Home.
    if (index < 0) next = event.key === "Home" ? 0 : days.length - 1;
    next = Math.max(0, Math.min(days.length - 1, next));
    days[next].focus();
    event.preventDefault();
  });
  // Material's instant navigation swaps the page content without a reload.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { localise(document); });
  }
})();
