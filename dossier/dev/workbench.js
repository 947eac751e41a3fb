// Development server only: the editor's workbench on an article page. Selecting a passage of
// the text (mouse, touch or keyboard) shows a button that opens a form to write a note on it;
// each note gets a button to edit its text, kind and topics. The server checks and writes
// (dossier/commands/workbench.py); the site is rebuilt and the page reloads by itself (not while
// a form is open and unsaved: dev.js holds the reload until it is closed).
"use strict";
(() => {
  const text = document.querySelector("article.article .text");
  if (!text) return;
  const api = document.currentScript.src.replace(/workbench\.js(\?.*)?$/, "") + "workbench/";
  const SKIP = "a.note-ref, aside.notes, .dossier-wb, script, style, button"; // not the article's text
  const CONTEXT = 200; // characters of the text around a selection, to tell two occurrences apart
  const SAVED = "dossier-workbench-saved";
  let desk = null; // what the server says of this page (token, notes, kinds, topics, strings)
  let current = null; // the selection the button annotates

  const say = (key, values = {}) =>
    Object.entries(values).reduce((s, [k, v]) => s.replace(`{${k}}`, v), desk.strings[key] || key);
  const squeeze = (s) => s.replace(/\s+/g, " ").trim();

  function element(tag, attributes = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") el.textContent = value;
      else if (value === true) el.setAttribute(name, "");
      else if (value !== false && value != null) el.setAttribute(name, value);
    }
    el.append(...children);
    return el;
  }

  // -- the article's text, as the build reads it ------------------------------------------

  function pieces() {
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    let all = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push([node, all.length]);
      all += node.data;
    }
    return { nodes, all };
  }

  function position(parts, container, offset) {
    const found = parts.nodes.find(([node]) => node === container);
    if (found) return found[1] + offset;
    const point = document.createRange();
    point.setStart(container, offset);
    const next = parts.nodes.find(([node]) => point.comparePoint(node, 0) >= 0);
    return next ? next[1] : parts.all.length;
  }

  function selected() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) return null;
    const parts = pieces();
    const start = position(parts, range.startContainer, range.startOffset);
    const end = position(parts, range.endContainer, range.endOffset);
    const exact = squeeze(parts.all.slice(start, end));
    if (!exact) return null;
    return {
      range,
      exact,
      before: squeeze(parts.all.slice(Math.max(0, start - CONTEXT), start)),
      after: squeeze(parts.all.slice(end, end + CONTEXT)),
    };
  }

  // -- talking to the server ---------------------------------------------------------------

  function post(action, body) {
    return fetch(api + action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Dossier-Token": desk.token },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    })
      .then((response) => response.json())
      .catch(() => ({ ok: false, refused: say("workbench_unreachable") }));
  }

  function showProblems(box, answer) {
    const lines = answer.errors || [answer.refused];
    box.replaceChildren(
      element("p", { text: say(answer.errors ? "workbench_not_written" : "workbench_refused") }),
      element("ul", { lang: "en" }, ...lines.map((line) => element("li", { text: line }))),
    );
  }

  // What a write's answer does: saved, the page reloads (live reload normally comes first; a
  // saved form no longer holds it back); refused, the problems are shown and the button may be
  // pressed again.
  function written(answer, { status, problems, button }) {
    if (answer.ok) {
      status.textContent = say("workbench_saved");
      const dialog = button.closest("dialog.dossier-wb");
      if (dialog) {
        dialog.dataset.saved = "";
        dialog.dispatchEvent(new CustomEvent("dossier-wb-saved", { bubbles: true }));
      }
      sessionStorage.setItem(SAVED, answer.path);
      setTimeout(() => window.location.reload(), 5000);
    } else {
      status.textContent = "";
      button.disabled = false;
      showProblems(problems, answer);
    }
  }

  // -- the form ----------------------------------------------------------------------------

  let counter = 0;
  function field(label, control, extra) {
    control.id = `dossier-wb-field-${++counter}`;
    return element("p", { class: "dossier-wb-field" }, element("label", { for: control.id, text: label }), control, ...(extra ? [extra] : []));
  }

  function form(title, fill) {
    const heading = element("h2", { id: `dossier-wb-title-${++counter}`, text: title });
    const dialog = element("dialog", { class: "dossier-wb dossier-wb-dialog", "aria-labelledby": heading.id, lang: desk.language });
    const kind = element("select", {}, ...desk.kinds.map((k) => element("option", { value: k.value, text: k.label, selected: k.value === fill.kind })));
    const chosen = new Set(fill.topics);
    const topics = element(
      "select",
      { multiple: true, size: String(Math.min(Math.max(desk.topics.length, 2), 6)) },
      ...desk.topics.map((t) => element("option", { value: t.slug, text: t.label, selected: chosen.has(t.slug) || chosen.has(t.label) })),
    );
    const note = element("textarea", { rows: "6", text: fill.text });
    note.value = fill.text;
    const problems = element("div", { class: "dossier-wb-problems", role: "alert" });
    const status = element("p", { class: "dossier-wb-status", role: "status" });
    const waiting = element("p", { class: "dossier-wb-status", role: "status" }); // a reload held back
    const save = element("button", { type: "submit", text: say("workbench_save") });
    const cancel = element("button", { type: "button", text: say("workbench_cancel") });
    const body = element("form", { class: "dossier-wb-form" });
    body.append(heading, ...fill.head, field(say("workbench_kind"), kind), field(say("workbench_topics"), topics), field(say("workbench_text"), note), ...fill.tail);
    body.append(problems, status, waiting, element("p", { class: "dossier-wb-actions" }, save, cancel));
    dialog.append(body);
    cancel.addEventListener("click", () => dialog.close());
    const held = () => { waiting.textContent = say("workbench_reload_held"); };
    document.addEventListener("dossier-reload-held", held);
    dialog.addEventListener("close", () => {
      document.removeEventListener("dossier-reload-held", held);
      dialog.remove();
    });
    const initial = [...topics.selectedOptions].map((o) => o.value).join(" ");
    const values = () => {
      const now = [...topics.selectedOptions].map((o) => o.value);
      // topics untouched: as the file has them (a label stays a label)
      return { kind: kind.value, topics: now.join(" ") === initial ? fill.topics : now, text: note.value };
    };
    body.addEventListener("submit", (event) => {
      event.preventDefault();
      problems.replaceChildren();
      status.textContent = say("workbench_saving");
      save.disabled = true;
      fill.submit(values()).then((answer) => written(answer, { status, problems, button: save }));
    });
    document.body.append(dialog);
    dialog.showModal();
    return { dialog, problems, status, note };
  }

  function annotate(chosen) {
    const quote = element("blockquote", { class: "dossier-wb-quote", text: chosen.exact });
    const slug = element("input", { type: "text", required: true, spellcheck: "false", autocomplete: "off" });
    let typed = false;
    slug.addEventListener("input", () => { typed = true; });
    const passage = element("div", { class: "dossier-wb-field" }, element("p", { text: say("workbench_passage") }), quote);
    const selection = { article: desk.article, exact: chosen.exact, before: chosen.before, after: chosen.after };
    const opened = form(say("workbench_new_title"), {
      kind: desk.kinds[0].value,
      topics: [],
      text: "",
      head: [passage],
      tail: [field(say("workbench_file"), slug, element("span", { text: ".md" }))],
      submit: (values) => post("create", { ...selection, ...values, slug: slug.value }),
    });
    opened.note.focus();
    opened.status.textContent = say("workbench_locating");
    post("locate", selection).then((answer) => {
      opened.status.textContent = "";
      if (!answer.ok) return showProblems(opened.problems, answer);
      quote.textContent = answer.quote; // the article's own characters
      if (!typed) slug.value = answer.slug;
    });
  }

  function edit(note, number) {
    const path = element("p", { class: "dossier-wb-path" }, element("code", { text: note.path }));
    form(say("workbench_edit_title") + " " + number, {
      kind: note.kind,
      topics: note.topics,
      text: note.text,
      head: [path],
      tail: [],
      submit: (values) => post("edit", { note: note.slug, sha256: note.sha256, ...values }),
    }).note.focus();
  }

  // -- on the page -------------------------------------------------------------------------

  const button = element("button", { type: "button", class: "dossier-wb dossier-wb-annotate", hidden: true });
  button.addEventListener("mousedown", (event) => event.preventDefault()); // the selection stays
  button.addEventListener("click", () => {
    const chosen = current;
    button.hidden = true;
    if (chosen) annotate(chosen);
  });

  // The button goes right after the selection's end, in the text itself (out of the flow): the
  // next Tab stop after a passage selected from the keyboard, before the notes' own controls.
  // Never inside a link, a note's mark or the notes (a click there is theirs).
  const HOSTS = "a, mark, aside.notes, .dossier-wb";
  function place(chosen) {
    const end = chosen.range.endContainer;
    let host = (end.nodeType === Node.ELEMENT_NODE ? end : end.parentElement).closest(HOSTS);
    while (host && host.parentElement.closest(HOSTS) && text.contains(host.parentElement.closest(HOSTS))) {
      host = host.parentElement.closest(HOSTS);
    }
    if (host && text.contains(host)) host.after(button);
    else {
      const at = document.createRange();
      at.setStart(end, chosen.range.endOffset);
      at.insertNode(button);
    }
    button.hidden = false;
    const rect = chosen.range.getBoundingClientRect();
    const parent = (button.offsetParent || document.body).getBoundingClientRect();
    button.style.top = `${rect.bottom - parent.top + 6}px`;
    button.style.left = `${Math.max(0, rect.right - parent.left - button.offsetWidth)}px`;
  }

  // Placed once a selection is made: while the mouse (or a finger) still drags, the text is left
  // alone (a button put in the text there would end up inside the selection).
  let pending = 0;
  let pressing = false;
  const settle = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      if (pressing || !desk || !desk.article || document.activeElement === button) return; // moved, it would lose focus
      if (document.querySelector("dialog.dossier-wb[open]")) return;
      const chosen = selected();
      if (chosen) {
        current = chosen;
        place(chosen);
      } else {
        current = null;
        button.hidden = true;
      }
    }, 80);
  };
  document.addEventListener("selectionchange", settle);
  document.addEventListener("pointerdown", () => { pressing = true; }, true);
  for (const done of ["pointerup", "pointercancel", "keydown"]) { // keydown: a release missed outside the window
    document.addEventListener(done, () => {
      if (!pressing) return;
      pressing = false;
      settle();
    }, true);
  }

  function addEditButtons() {
    for (const note of desk.notes) {
      const card = document.getElementById(note.id);
      const head = card && card.querySelector(".note-head");
      if (!head) continue;
      const number = note.id.slice("note-".length);
      const open = element("button", { type: "button", class: "dossier-wb dossier-wb-edit", "aria-label": say("workbench_edit_note", { number }), text: say("workbench_edit") });
      open.addEventListener("click", () => edit(note, number));
      head.append(open);
    }
  }

  // -- notes whose passage is lost: where each can go ---------------------------------------

  function orphanItem(orphan) {
    const item = element("li", { class: "dossier-wb-orphan" });
    const status = element("p", { class: "dossier-wb-status", role: "status" });
    const problems = element("div", { class: "dossier-wb-problems", role: "alert" });
    item.append(
      element("p", { class: "dossier-wb-path" }, element("code", { text: orphan.path })),
      element("p", { text: say("workbench_orphan_quote") }),
      element("blockquote", { class: "dossier-wb-quote dossier-wb-lost", text: orphan.quote }),
    );
    if (!orphan.candidate) {
      item.append(element("p", { lang: "en", text: orphan.hint }));
      return item;
    }
    const score = orphan.score.toLocaleString(desk.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const here = element("button", { type: "button", "aria-label": say("workbench_reanchor_note", { note: orphan.slug }), text: say("workbench_reanchor_here") });
    item.append(
      element("p", { text: say("workbench_orphan_candidate", { score }) }),
      element("blockquote", { class: "dossier-wb-quote", text: orphan.candidate }),
      problems,
      status,
      element("p", { class: "dossier-wb-actions" }, here),
    );
    here.addEventListener("click", () => {
      problems.replaceChildren();
      status.textContent = say("workbench_saving");
      here.disabled = true;
      const move = { note: orphan.slug, sha256: orphan.sha256, quote: orphan.candidate, prefix: orphan.prefix, suffix: orphan.suffix };
      post("reanchor", move).then((answer) => written(answer, { status, problems, button: here }));
    });
    return item;
  }

  function showOrphans() {
    if (!desk.orphans || !desk.orphans.length) return;
    const heading = element("h2", { id: "dossier-wb-orphans-title", text: say("workbench_orphans_title", { count: String(desk.orphans.length) }) });
    const panel = element("section", { class: "dossier-wb dossier-wb-orphans", "aria-labelledby": heading.id, lang: desk.language });
    panel.append(heading, element("p", { text: say("workbench_orphans_intro") }), element("ol", {}, ...desk.orphans.map(orphanItem)));
    text.before(panel);
  }

  function showSaved() {
    const path = sessionStorage.getItem(SAVED);
    if (!path) return;
    sessionStorage.removeItem(SAVED);
    const note = desk.notes.find((n) => n.path === path);
    const card = note && document.getElementById(note.id);
    if (card) {
      card.classList.add("dossier-wb-saved");
      card.scrollIntoView({ block: "center" });
    }
  }

  fetch(api + "notes?page=" + encodeURIComponent(window.location.pathname), { cache: "no-store", credentials: "same-origin" })
    .then((response) => response.json())
    .then((answer) => {
      if (!answer.article) return;
      desk = answer;
      button.textContent = say("workbench_annotate");
      addEditButtons();
      showOrphans();
      showSaved();
      document.documentElement.dataset.workbench = "ready";
    })
    .catch(() => { /* no workbench: the page is the page */ });
})();
