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
    // The arrows move the way the bars run: towards today is leftwards on a right-to-left page.
    var forward = getComputedStyle(chart).direction === "rtl" ? "ArrowLeft" : "ArrowRight";
    var backward = forward === "ArrowLeft" ? "ArrowRight" : "ArrowLeft";
    var moves = { Home: 0, End: days.length - 1 };
    moves[forward] = index + 1;
    moves[backward] = index - 1;
    var next = moves[event.key];
    if (next === undefined) return;
    // From the chart itself, start at today (the newest day), or the oldest with Home.
    if (index < 0) next = event.key === "Home" ? 0 : days.length - 1;
    next = Math.max(0, Math.min(days.length - 1, next));
    // Days are focusable only when reached this way, so the chart stays one tab stop.
    days[next].setAttribute("tabindex", "-1");
    days[next].focus();
    event.preventDefault();
  });
  // A static page is as fresh as its last build. As the reader's clock moves, keep the words
  // that follow from time alone true: how long ago the page was updated, a notice once it is
  // older than the site allows, promises that have come due, maintenance whose window should
  // have started or ended. The build wrote the moments (data-herald-*) and every word (the
  // JSON island); nothing the build decided (statuses, incidents, colours) changes here.
  var clockTimer;
  function keepTime() {
    clearTimeout(clockTimer);
    var island = document.getElementById("herald-clock");
    var data;
    try {
      data = JSON.parse(island.textContent);
    } catch (error) {
      return;
    }
    var built = Date.parse(data.built);
    var words = data.words;
    if (isNaN(built) || !words) return;
    var relative;
    try {
      relative = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: "auto" });
    } catch (error) {
      return;
    }
    var staleAfter = data.staleAfter * 1000;
    function ago(milliseconds) {
      // A reader's clock behind the build's reads as "this minute", never "in 5 minutes".
      var minutes = Math.floor(Math.max(0, milliseconds) / 60000);
      if (minutes < 60) return relative.format(-minutes, "minute");
      if (minutes < 2880) return relative.format(-Math.floor(minutes / 60), "hour");
      return relative.format(-Math.floor(minutes / 1440), "day");
    }
    // The build's sentence in element, its %(name)s placeholders filled with text or nodes.
    function fill(element, sentence, parts) {
      var nodes = [];
      sentence.split(/(%\(\w+\)s)/).forEach(function (piece) {
        var name = /^%\((\w+)\)s$/.exec(piece);
        var part = name ? parts[name[1]] : piece;
        if (part) nodes.push(typeof part === "string" ? document.createTextNode(part) : part);
      });
      while (element.firstChild) element.removeChild(element.firstChild);
      nodes.forEach(function (node) { element.appendChild(node); });
    }
    function moment(element, name) {
      var value = element.getAttribute(name);
      return value ? Date.parse(value) : NaN;
    }
    function tick() {
      var now = Date.now();
      var age = now - built;
      // The next moment anything changes: the next whole minute of the page's age, at most.
      var next = now + 60000 - (Math.max(0, age) % 60000);
      var ageLine = document.querySelector("[data-herald-age]");
      if (ageLine) fill(ageLine, words.updated, { ago: ago(age) });
      var notice = document.getElementById("herald-stale");
      if (notice && age > staleAfter) {
        var shown = notice.querySelector("span");
        if (shown) {
          // Read out once, when it appeared; from then on its age follows the clock quietly.
          notice.setAttribute("aria-live", "off");
          shown.textContent = ago(age);
        } else {
          var time = document.createElement("time");
          time.setAttribute("datetime", data.built);
          time.textContent = full.format(new Date(built));
          var agoText = document.createElement("span");
          agoText.textContent = ago(age);
          fill(notice, words.stale, { ago: agoText, time: time });
        }
      } else if (notice) {
        fill(notice, "", {});
        notice.removeAttribute("aria-live");
        next = Math.min(next, built + staleAfter + 1);
      }
      var promises = document.querySelectorAll("[data-herald-due]");
      for (var i = 0; i < promises.length; i++) {
        var due = moment(promises[i], "data-herald-due");
        if (isNaN(due)) continue;
        // Overdue once the promised moment has passed, as the build decides it.
        if (now > due) {
          fill(promises[i], words.due, { time: promises[i].querySelector("time") });
          promises[i].removeAttribute("data-herald-due");
        } else next = Math.min(next, due + 1);
      }
      var windows = document.querySelectorAll("[data-herald-starts], [data-herald-ends]");
      for (var j = 0; j < windows.length; j++) {
        var starts = moment(windows[j], "data-herald-starts");
        var ends = moment(windows[j], "data-herald-ends");
        if (now >= ends) {
          windows[j].textContent = words.ends;
          windows[j].removeAttribute("data-herald-ends");
          windows[j].removeAttribute("data-herald-starts");
        } else if (now >= starts) {
          windows[j].textContent = words.starts;
          windows[j].removeAttribute("data-herald-starts");
        }
        [starts, ends].forEach(function (turn) {
          if (turn > now) next = Math.min(next, turn);
        });
      }
      clockTimer = setTimeout(tick, Math.max(0, next - now));
    }
    tick();
  }
  keepTime();
  // Timers sleep with a phone's screen or a background tab: look again on return.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) keepTime();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) keepTime();
  });

  // Material's instant navigation swaps the page content without a reload.
  function followNavigation() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { localise(document); keepTime(); });
    }
  }
  followNavigation();

  // On Herald's pages the theme's stylesheets and script wait in a template, so nothing
  // blocks the first paint. They load when the reader opens search, the one feature that
  // needs them; until then this script switches the palette itself.
  var waiting = document.getElementById("herald-theme-assets");
  if (!waiting) return;
  var palettes = document.querySelectorAll("input[name=__palette]");
  var loading = false;
  var themeStarted = false;

  // The colours of an option; the theme's "automatic" option, media
  // "(prefers-color-scheme)", takes them from the light or dark option the system prefers.
  function colours(input) {
    var source = input;
    if (input.getAttribute("data-md-color-media") === "(prefers-color-scheme)") {
      var dark = matchMedia("(prefers-color-scheme: dark)").matches;
      source = document.querySelector("[data-md-color-media='(prefers-color-scheme: " + (dark ? "dark" : "light") + ")']") || input;
    }
    var color = { media: input.getAttribute("data-md-color-media") };
    ["scheme", "primary", "accent"].forEach(function (key) {
      color[key] = source.getAttribute("data-md-color-" + key);
    });
    return color;
  }
  function choosePalette(index, store) {
    var color = colours(palettes[index]);
    ["scheme", "primary", "accent"].forEach(function (key) {
      document.body.setAttribute("data-md-color-" + key, color[key]);
    });
    for (var i = 0; i < palettes.length; i++) {
      var label = palettes[i].nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    }
    if (store && window.__md_set) window.__md_set("__palette", { index: index, color: color });
  }
  function checkedPalette() {
    for (var i = 0; i < palettes.length; i++) if (palettes[i].checked) return i;
    return -1;
  }
  Array.prototype.forEach.call(palettes, function (input, index) {
    input.addEventListener("change", function () { if (!themeStarted) choosePalette(index, true); });
    // As the theme does: Enter on the focused option moves to the next palette.
    input.addEventListener("keydown", function (event) {
      if (themeStarted || event.key !== "Enter") return;
      var next = palettes[(index + 1) % palettes.length];
      next.click();
      next.focus();
      event.preventDefault();
    });
  });
  // The automatic option follows the system while the page is open.
  if (window.matchMedia) {
    var scheme = matchMedia("(prefers-color-scheme: dark)");
    var follow = function () {
      var index = checkedPalette();
      if (!themeStarted && index >= 0) choosePalette(index, false);
    };
    if (scheme.addEventListener) scheme.addEventListener("change", follow);
  }

  function loadTheme(then) {
    if (loading || themeStarted) return;
    loading = true;
    var nodes = waiting.content.querySelectorAll("link[rel=stylesheet], script[src]");
    var sources = [];
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.tagName !== "LINK") {
        sources.push(node.getAttribute("src"));
        return;
      }
      // Each stylesheet goes back where it was, just before the rules inlined from it,
      // so the cascade keeps its order.
      var link = document.importNode(node, true);
      var place = document.querySelector("style[data-herald-sheet='" + link.getAttribute("data-herald-sheet") + "']");
      if (place) place.parentNode.insertBefore(link, place);
      else document.head.appendChild(link);
    });
    (function next() {
      if (!sources.length) {
        themeStarted = true;
        // The theme starts on DOMContentLoaded, which has long passed: announce it again.
        document.dispatchEvent(new Event("DOMContentLoaded"));
        followNavigation();
        if (then) then();
        return;
      }
      var script = document.createElement("script");
      script.src = sources.shift();
      script.onload = next;
      // Offline or blocked: the page keeps working as it was, and search can try again.
      script.onerror = function () { loading = false; };
      document.body.appendChild(script);
    })();
  }
  var searchToggle = document.getElementById("__search");
  if (!searchToggle) return;
  function focusSearch() {
    // Only if the reader has not closed search while the theme was loading.
    var query = document.querySelector(".md-search__input");
    if (query && searchToggle.checked) query.focus();
  }
  searchToggle.addEventListener("change", function () {
    if (searchToggle.checked) loadTheme(focusSearch);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("md-search__input")) loadTheme();
  });
  // The theme's search keys: f, s and /.
  document.addEventListener("keydown", function (event) {
    if (loading || themeStarted || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!/^[fs/]$/.test(event.key)) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    searchToggle.checked = true;
    loadTheme(focusSearch);
  });
})();
