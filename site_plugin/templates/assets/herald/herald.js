// Show times in the reader's own time zone, keeping UTC in the tooltip.
// Without JavaScript every time reads in UTC, which is always correct.
(function () {
  "use strict";
  var script = document.currentScript;
  // Times read in the page's language (the site's theme.language), in the reader's zone.
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options);
    } catch (error) {
      return new Intl.DateTimeFormat(undefined, options);
    }
  }
  // Two formatters for the whole page: making one per element costs more than the rest.
  var full = formatter({ year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  var clock = formatter({ hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  function localise(root) {
    var times = root.querySelectorAll("time[data-herald-time]");
    for (var i = 0; i < times.length; i++) {
      var element = times[i];
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) continue;
      if (!element.hasAttribute("title")) element.setAttribute("title", element.textContent);
      var format = element.getAttribute("data-herald-time") === "clock" ? clock : full;
      element.textContent = format.format(moment);
    }
  }
  localise(document);
  // Material's search dialog has no accessible name; screen readers announce one, in
  // Material's own word for search in the site's language.
  var searchLabel = (script && script.getAttribute("data-search-label")) || "Search";
  var dialogs = document.querySelectorAll(".md-search[role=dialog]:not([aria-label])");
  for (var j = 0; j < dialogs.length; j++) dialogs[j].setAttribute("aria-label", searchLabel);
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
    // Days are focusable only when reached this way, so the chart stays one tab stop.
    days[next].setAttribute("tabindex", "-1");
    days[next].focus();
    event.preventDefault();
  });
  // Material's instant navigation swaps the page content without a reload.
  function followNavigation() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { localise(document); });
    }
  }
  followNavigation();

  // On Herald's pages the theme's stylesheets and script wait in a template, so nothing
  // blocks the first paint. They load when the reader opens search, the one feature that
  // needs them; until then this script switches the palette itself.
  var waiting = document.getElementById("herald-theme-assets");
  if (!waiting) return;
  var palettes = document.querySelectorAll("input[name=__palette]");
  var themeLoaded = false;

  function choosePalette(index) {
    var input = palettes[index];
    var color = {};
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      color[key] = input.getAttribute("data-md-color-" + key);
      if (key !== "media") document.body.setAttribute("data-md-color-" + key, color[key]);
    });
    for (var i = 0; i < palettes.length; i++) {
      var label = palettes[i].nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    }
    if (window.__md_set) window.__md_set("__palette", { index: index, color: color });
  }
  Array.prototype.forEach.call(palettes, function (input, index) {
    input.addEventListener("change", function () { if (!themeLoaded) choosePalette(index); });
    // As the theme does: Enter on the focused option moves to the next palette.
    input.addEventListener("keydown", function (event) {
      if (themeLoaded || event.key !== "Enter") return;
      var next = palettes[(index + 1) % palettes.length];
      next.click();
      next.focus();
      event.preventDefault();
    });
  });

  function loadTheme(then) {
    if (themeLoaded) return;
    themeLoaded = true;
    var nodes = waiting.content.querySelectorAll("link[rel=stylesheet], script[src]");
    var sources = [];
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.tagName === "LINK") document.head.appendChild(document.importNode(node, true));
      else sources.push(node.getAttribute("src"));
    });
    (function next() {
      if (!sources.length) {
        // The theme starts on DOMContentLoaded, which has long passed: announce it again.
        document.dispatchEvent(new Event("DOMContentLoaded"));
        followNavigation();
        if (then) then();
        return;
      }
      var script = document.createElement("script");
      script.src = sources.shift();
      script.onload = next;
      document.body.appendChild(script);
    })();
  }
  function focusSearch() {
    var query = document.querySelector(".md-search__input");
    if (query) query.focus();
  }
  var searchToggle = document.getElementById("__search");
  if (searchToggle) {
    searchToggle.addEventListener("change", function () {
      if (searchToggle.checked) loadTheme(focusSearch);
    });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("md-search__input")) loadTheme();
  });
  // The theme's search keys: f, s and /.
  document.addEventListener("keydown", function (event) {
    if (themeLoaded || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!/^[fs/]$/.test(event.key)) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    if (searchToggle) searchToggle.checked = true;
    loadTheme(focusSearch);
  });
})();
