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
      if (both[0].build !== both[1].build) { window.location.reload(); }
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
