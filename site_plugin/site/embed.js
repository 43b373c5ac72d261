/* Herald's status embed: a banner on another site or app while the status page has an
   incident or maintenance under way. One line on the host page:
     <script src="https://status.example.com/embed.js" async></script>
   It reads api/v2/summary.json from the status site it was loaded from (which must send
   Access-Control-Allow-Origin) and nothing else; it keeps no cookies and stores only a
   dismissal, for the browser session. All text goes in as text, never as markup.
   The build removes these comments and the indentation. */
(function () {
  "use strict";
  var words = HERALD_WORDS;
  var script = document.currentScript;
  // Ranked: the banner's edge takes the colour of the worst item in it.
  var ACCENTS = { maintenance: "#1d5fbf", minor: "#8a6100", major: "#b45309", critical: "#b91c1c" };
  var RANKS = Object.keys(ACCENTS);
  var site;
  try {
    site = new URL(".", script.src);
  } catch (error) {
    return;
  }
  if (!/^https?:$/.test(site.protocol) || !window.fetch || !Element.prototype.attachShadow) return;
  // The host page's language, else its language without the region, else English.
  var lang = (document.documentElement.lang || "").toLowerCase().replace("_", "-");
  // Own keys only: a host page's lang="constructor" must not name Object's own things.
  function own(key) {
    return Object.prototype.hasOwnProperty.call(words, key) ? words[key] : null;
  }
  var said = own(lang) || own(lang.split("-")[0]) || words.en;

  function web(address) {
    try {
      var url = new URL(address);
      return /^https?:$/.test(url.protocol) && url.href;
    } catch (error) {
      return "";
    }
  }
  function key(item) {
    return "herald-embed:" + site.origin + ":" + item.id;
  }
  // A dismissal holds for this browser session, until the item has news.
  function dismissed(item) {
    try {
      return sessionStorage.getItem(key(item)) === String(item.updated_at);
    } catch (error) {
      return false;
    }
  }
  function make(name, attributes, text) {
    var node = document.createElement(name);
    for (var attribute in attributes) node.setAttribute(attribute, attributes[attribute]);
    node.textContent = text || "";
    return node;
  }
  function dark(host) {
    return host + " .banner{background:var(--herald-embed-background,#1f2937);color:var(--herald-embed-color,#f3f4f6)}" +
      host + " a{color:var(--herald-embed-link,#93c5fd)}";
  }
  var CSS = ":host{all:initial;display:block;font:15px/1.45 system-ui,sans-serif}" +
    ":host([data-float]){position:fixed;left:12px;right:12px;bottom:12px;z-index:2147483000;max-width:40rem;margin:auto}" +
    ".banner{display:flex;gap:.8em;padding:.7em 1em;border-left:5px solid;border-radius:4px;box-shadow:0 2px 8px #0006;" +
    "background:var(--herald-embed-background,#fff);color:var(--herald-embed-color,#1f2937)}" +
    "ul{flex:1;margin:0;padding:0;list-style:none}a{color:var(--herald-embed-link,#1d4ed8)}" +
    "button{font:inherit;font-size:1.3em;min-width:1.8em;height:1.8em;border:1px solid;border-radius:4px;background:none;color:inherit}" +
    // The host page's scheme: its data-theme when it says, else the reader's system setting.
    "@media (prefers-color-scheme:dark){" + dark(":host(:not([data-theme=light]))") + "}" + dark(":host([data-theme=dark])");

  function show(summary, host, region, remove) {
    // Under way: open incidents (notices, with no impact, are not) and maintenance in
    // progress, as the summary names them.
    var items = [].concat(
      (summary && summary.incidents) || [],
      ((summary && summary.scheduled_maintenances) || []).filter(function (item) {
        return item && /^(in_progress|verifying)$/.test(item.status);
      })
    ).filter(function (item) {
      return item && typeof item.id === "string" && typeof item.name === "string" &&
        said.statuses[item.status] && ACCENTS[item.impact] && !dismissed(item);
    });
    if (!items.length) return remove();
    var worst = 0;
    var banner = make("div", { class: "banner", part: "banner" });
    var list = make("ul");
    items.forEach(function (item) {
      worst = Math.max(worst, RANKS.indexOf(item.impact));
      var line = make("li");
      var name = summary.page && summary.page.name;
      if (typeof name === "string") line.append(make("strong", {}, name), ": ");
      var href = web(item.shortlink);
      line.append(
        href ? make("a", { href: href, part: "link" }, item.name) : item.name,
        " \u00b7 " + (item.impact === "maintenance" ? said.maintenance + " \u00b7 " : "") + said.statuses[item.status]
      );
      list.append(line);
    });
    banner.style.borderLeftColor = "var(--herald-embed-accent," + ACCENTS[RANKS[worst]] + ")";
    var close = make("button", { type: "button", part: "button", "aria-label": said.dismiss }, "\u00d7");
    function dismiss() {
      items.forEach(function (item) {
        try {
          sessionStorage.setItem(key(item), String(item.updated_at));
        } catch (error) {
          // Storage refused (a sandboxed frame): dismissed for this page view only.
        }
      });
      remove();
    }
    close.onclick = dismiss;
    banner.onkeydown = function (event) {
      if (event.key === "Escape") dismiss();
    };
    banner.append(list, close);
    region.append(banner);
  }

  var summary = fetch(new URL("api/v2/summary.json", site).href, { credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .catch(function () { return null; });
  function start() {
    // The live region is on the page, empty, before the news goes in, so that screen
    // readers announce it; focus stays where the reader has it.
    // Its own element, which no rule of the host page for div or p can reach.
    var host = make("herald-embed");
    var mount = document.getElementById("herald-embed");
    if (!mount) host.setAttribute("data-float", "");
    function theme() {
      var chosen = script.getAttribute("data-theme") || document.documentElement.getAttribute("data-theme");
      if (/^(dark|light)$/.test(chosen)) host.setAttribute("data-theme", chosen);
      else host.removeAttribute("data-theme");
    }
    theme();
    var follow = new MutationObserver(theme);
    follow.observe(document.documentElement, { attributeFilter: ["data-theme"] });
    var root = host.attachShadow({ mode: "open" });
    var region = make("div", { role: "status" });
    root.append(make("style", {}, CSS), region);
    (mount || document.body).append(host);
    summary.then(function (data) {
      show(data, host, region, function () {
        follow.disconnect();
        host.remove();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
