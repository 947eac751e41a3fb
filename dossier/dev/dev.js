// Development server only: live reload, and the build's diagnostics over the page.
(function () {
  "use strict";
  var base = document.currentScript.src.replace(/dev\.js(\?.*)?$/, "");

  // On an article page: the editor's workbench (annotate a passage, edit a note; workbench.js).
  if (document.querySelector("article.article .text")) {
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = base + "workbench.css";
    document.head.appendChild(sheet);
    var bench = document.createElement("script");
    bench.src = base + "workbench.js";
    document.head.appendChild(bench);
  }
  // A workbench form open and not yet saved holds the reloads back (a save elsewhere would
  // throw away what is typed in it); the page reloads once it is closed, if one came meanwhile.
  // A stylesheet reloads in place and goes through; so does the reload of the form's own save.
  var held = false;
  function busy() {
    return !!document.querySelector("dialog.dossier-wb[open]:not([data-saved])");
  }
  function reloadPage() {
    if (!busy()) { window.location.reload(); return; }
    if (!held) { document.dispatchEvent(new CustomEvent("dossier-reload-held")); } // workbench.js says so
    held = true;
  }
  function released(event) {
    if (held && event.target.matches && event.target.matches("dialog.dossier-wb") && !busy()) { window.location.reload(); }
  }
  document.addEventListener("close", released, true); // closed (Cancel, Escape)
  document.addEventListener("dossier-wb-saved", released, true); // saved: its reload may have come first
  function Hold() { /* livereload.js's plugin interface: reload() returning true claims the reload */ }
  Hold.identifier = "dossier-workbench";
  Hold.version = "1.0";
  function inPlace(path, options) { // a stylesheet of this page: livereload.js swaps it, the page stays
    return options.liveCSS && /\.css$/i.test(path) && Array.prototype.some.call(
      document.querySelectorAll("link[rel=stylesheet]"),
      function (link) { return new URL(link.href).pathname === path; }
    );
  }
  Hold.prototype.reload = function (path, options) {
    if (!busy() || inPlace(path, options)) { return false; }
    reloadPage();
    return true;
  };
  window.LiveReloadPluginDossierWorkbench = Hold; // registered by livereload.js as it starts

  var live = document.createElement("script");
  live.src = "/livereload.js?port=" + (window.location.port || 80);
  document.head.appendChild(live);

  function status() {
    return fetch(base + "status.json", { cache: "no-store" }).then(function (response) { return response.json(); });
  }

  // A build that ends while this page loads, before its live-reload connection is up,
  // sends its reload to nobody: on connecting, a page that missed a build reloads.
  var seen = status();
  document.addEventListener("LiveReloadConnect", function () {
    Promise.all([seen, status()]).then(function (both) {
      if (both[0].build !== both[1].build) { reloadPage(); }
    }).catch(function () { /* no status: nothing to compare */ });
  });

  seen
    .then(function (status) {
      if (status.ok) { return; }
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = base + "dev.css";
      document.head.appendChild(css);
      var overlay = document.createElement("div");
      overlay.id = "dossier-errors";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-labelledby", "dossier-errors-title");
      overlay.lang = status.language;
      var title = document.createElement("h2");
      title.id = "dossier-errors-title";
      title.textContent = status.title; // the texts come from the theme's UI strings (dossier/overlay.py)
      var list = document.createElement("pre");
      list.textContent = status.lines.join("\n");
      list.lang = "en"; // the diagnostics, as the terminal prints them
      var note = document.createElement("p");
      note.textContent = status.note;
      overlay.appendChild(title);
      overlay.appendChild(list);
      overlay.appendChild(note);
      document.body.appendChild(overlay);
    })
    .catch(function () { /* no status: nothing to show */ });
})();
