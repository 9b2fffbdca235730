/*
 * Compare selection, kept in this browser's localStorage (no cookie, nothing sent anywhere).
 *
 * - Each "Add to compare" link (templates/programs/_compare_toggle.html) becomes a toggle button
 *   with aria-pressed. Without JavaScript the link still starts a comparison.
 * - A small bar shows how many programs are chosen and links to /compare/?p=..; a polite live
 *   region announces each change.
 * - On the compare page, the programs in the URL become the selection, and "Show only
 *   differences" applies at once instead of waiting for the form to be sent.
 */
(function () {
  "use strict";

  var KEY = "iopfinder.compare";
  var MAX = 4;
  var script = document.currentScript;
  var compareUrl = (script && script.getAttribute("data-compare-url")) || "/compare/";

  // The words shown, in the page's language: templates/base.html gives them to this script as
  // data-word-* attributes, through the translation catalog. {n}, {name}, {most} are filled in.
  function word(key, values) {
    var text = (script && script.getAttribute("data-word-" + key)) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function storageWorks() {
    try {
      window.localStorage.setItem(KEY + ".test", "1");
      window.localStorage.removeItem(KEY + ".test");
      return true;
    } catch (error) {
      return false;
    }
  }

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      if (!Array.isArray(items)) return [];
      return items
        .filter(function (item) {
          return item && typeof item.slug === "string" && /^[-\w]+$/.test(item.slug);
        })
        .slice(0, MAX);
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (error) {
      /* Storage full or blocked: the links still work without it. */
    }
  }

  function indexOf(items, slug) {
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].slug === slug) return i;
    }
    return -1;
  }

  function urlFor(items) {
    var params = items.map(function (item) {
      return "p=" + encodeURIComponent(item.slug);
    });
    // From a search, the comparison marks what was asked and leads back to the same results;
    // from a search near a place, it shows distances from that place too.
    var here = new URLSearchParams(window.location.search);
    var search = here.get("search") ||
      (document.querySelector(".search-form") ? window.location.search.slice(1) : "");
    var near = new URLSearchParams(search).get("near") || here.get("near");
    if (near) params.push("near=" + encodeURIComponent(near));
    if (search) params.push("search=" + encodeURIComponent(search));
    return compareUrl + "?" + params.join("&");
  }

  function countText(n) {
    if (n === 0) return word("none");
    return n === 1 ? word("one") : word("many", { n: n });
  }

  var live;
  var bar;
  var barLink;
  var barText;

  function announce(message) {
    // Clear first so that the same message twice is still read out.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function buildLiveRegion() {
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.id = "compare-live";
    document.body.appendChild(live);
  }

  function buildBar() {
    bar = document.createElement("div");
    bar.className = "compare-bar no-print";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", word("bar"));
    bar.hidden = true;
    var inner = document.createElement("div");
    inner.className = "wrap compare-bar__inner";
    barText = document.createElement("span");
    barText.className = "compare-bar__text";
    barLink = document.createElement("a");
    barLink.className = "button compare-bar__link";
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button--secondary compare-bar__clear";
    clear.textContent = word("clear");
    clear.setAttribute("aria-label", word("clear-label"));
    clear.addEventListener("click", function () {
      save([]);
      refresh();
      announce(countText(0));
    });
    inner.appendChild(barText);
    inner.appendChild(barLink);
    inner.appendChild(clear);
    bar.appendChild(inner);
    document.body.appendChild(bar);
  }

  // site.css keeps the page's foot and the focused element clear of the bar by its height, which
  // changes when the bar shows, hides or its text wraps.
  function watchBarHeight() {
    var root = document.documentElement;
    function measure() {
      root.style.setProperty("--compare-bar-height", bar.offsetHeight + "px");
    }
    if ("ResizeObserver" in window) new window.ResizeObserver(measure).observe(bar);
    else window.addEventListener("resize", measure);
    measure();
  }

  function refresh() {
    var items = load();
    var n = items.length;
    bar.hidden = n === 0;
    document.body.classList.toggle("has-compare-bar", n > 0);
    barText.textContent = n < 2 ? word("one-more") : countText(n);
    barLink.textContent = word("bar-link", { n: n });
    barLink.href = urlFor(items);
    var buttons = document.querySelectorAll("button.compare-toggle[data-compare-slug]");
    for (var i = 0; i < buttons.length; i += 1) {
      var chosen = indexOf(items, buttons[i].getAttribute("data-compare-slug")) !== -1;
      buttons[i].setAttribute("aria-pressed", chosen ? "true" : "false");
    }
  }

  function toggle(slug, name) {
    var items = load();
    var at = indexOf(items, slug);
    if (at !== -1) {
      items.splice(at, 1);
      save(items);
      refresh();
      announce(word("removed", { name: name }) + " " + countText(items.length));
      return;
    }
    if (items.length >= MAX) {
      announce(word("full", { most: MAX }));
      return;
    }
    items.push({ slug: slug, name: name });
    save(items);
    refresh();
    announce(word("added", { name: name }) + " " + countText(items.length));
  }

  function enhanceToggles() {
    var links = document.querySelectorAll("a.compare-toggle[data-compare-slug]");
    Array.prototype.forEach.call(links, function (link) {
      var slug = link.getAttribute("data-compare-slug");
      var name = link.getAttribute("data-compare-name") || slug;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "compare-toggle";
      button.setAttribute("data-compare-slug", slug);
      button.setAttribute("aria-pressed", "false");
      var box = document.createElement("span");
      box.className = "compare-toggle__box";
      box.setAttribute("aria-hidden", "true");
      var label = document.createElement("span");
      label.textContent = word("toggle");
      var hiddenName = document.createElement("span");
      hiddenName.className = "visually-hidden";
      hiddenName.textContent = " " + name;
      button.appendChild(box);
      button.appendChild(label);
      button.appendChild(hiddenName);
      button.addEventListener("click", function () { toggle(slug, name); });
      link.parentNode.replaceChild(button, link);
    });
  }

  // The compare page's URL is the whole comparison: make it the selection too.
  function adoptComparedPrograms() {
    var table = document.querySelector("[data-compare-table]");
    if (!table) return;
    var heads = table.querySelectorAll("thead th[data-compare-slug]");
    var items = Array.prototype.map.call(heads, function (th) {
      return { slug: th.getAttribute("data-compare-slug"), name: th.getAttribute("data-compare-name") };
    });
    if (items.length) save(items.slice(0, MAX));
  }

  function enhanceDifferencesSwitch() {
    var box = document.querySelector("[data-compare-controls] input[name='diff']");
    var table = document.querySelector("[data-compare-table]");
    if (!box || !table) return;
    box.addEventListener("change", function () {
      var only = box.checked;
      var same = table.querySelectorAll(".compare-row--same, .compare-group--same");
      for (var i = 0; i < same.length; i += 1) same[i].hidden = only;
      var caption = table.querySelector("caption");
      var suffix = table.getAttribute("data-only-differences-suffix") || "";
      if (caption && suffix) {
        var text = caption.textContent;
        if (text.slice(-suffix.length) === suffix) text = text.slice(0, -suffix.length);
        caption.textContent = text + (only ? suffix : "");
      }
      // Keep the address (and the remove links) in step, so a bookmark shows the same view.
      var url = new URL(window.location.href);
      if (only) url.searchParams.set("diff", "1"); else url.searchParams.delete("diff");
      window.history.replaceState(null, "", url.pathname + url.search);
      var removes = document.querySelectorAll("a.compare-remove");
      for (var j = 0; j < removes.length; j += 1) {
        var target = new URL(removes[j].href);
        if (only) target.searchParams.set("diff", "1"); else target.searchParams.delete("diff");
        removes[j].href = target.pathname + target.search;
      }
      announce(only ? word("only-differences") : word("all-facts"));
    });
  }

  buildLiveRegion();
  enhanceDifferencesSwitch();
  // Without storage (private mode in some browsers) the plain links keep working.
  if (!storageWorks()) return;
  buildBar();
  watchBarHeight();
  adoptComparedPrograms();
  enhanceToggles();
  refresh();
})();
