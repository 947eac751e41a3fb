// The notes of an article page, improved (the page is complete without this script: the
// stylesheet alone lays the notes out, see style.css, section 5). The notes are written after
// the article's text (.text), never inside it: nothing here moves one into it. The page loads
// this script with blocking="render": the notes are placed before the first paint.
// - Wide screens: each note in the margin at its passage's line, pushed down so that none
//   overlaps the one before; a note longer than the room before the next one is folded to
//   the lines that fit (its button, or a click on it, unfolds it; the next notes move down).
// - Narrow screens: a tap on a highlighted passage or on its number opens its note under
//   the paragraph, a second tap closes it.
"use strict";
(() => {
  const body = document.querySelector(".article-body[data-expand]"); // the text and its notes
  if (!body) return;
  const text = body.querySelector(".text");
  const wide = window.matchMedia("(min-width: 64rem)");
  const LATE = 20; // px: how far below its passage a note may start
  const GAP = 10; // px between two notes in the margin
  const TIGHT = 4; // px after a note folded to one line

  const notes = [...body.querySelectorAll(".margin-notes .note")].map((el) => {
    const number = el.id.slice("note-".length);
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "note-toggle";
    toggle.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", body.dataset.expand.replace("{number}", number));
    toggle.innerHTML = '<span aria-hidden="true">+</span>';
    el.prepend(toggle);
    el.tabIndex = -1;
    return {
      el,
      number,
      toggle,
      passage: document.getElementById(`passage-${number}`),
      marks: [...text.querySelectorAll(`mark.passage[data-note="${number}"]`)],
      refs: [...text.querySelectorAll(`a.note-ref[href="#${el.id}"]`)],
      unfolded: false, // unfolded by the reader
    };
  });
  const byNumber = new Map(notes.map((n) => [n.number, n]));
  body.classList.add("notes-js");

  // Wide screens: tops and folds -----------------------------------------------------
  // Each note starts at its passage's line, or just below the note before. A note taller
  // than the room left before the next note's passage (that note may start at most LATE
  // px below it) is folded to the lines that fit, one at least.
  function heights(lines) {
    for (const n of notes) n.el.style.setProperty("--lines", String(lines));
    return notes.map((n) => n.el.offsetHeight);
  }

  function layout() {
    if (!wide.matches) {
      body.classList.remove("sidenotes");
      body.style.minHeight = "";
      for (const n of notes) {
        n.el.style.top = "";
        n.el.classList.remove("is-folded");
        n.toggle.hidden = true;
        for (const ref of n.refs) ref.setAttribute("aria-expanded", String(n.el.classList.contains("is-open")));
      }
      return;
    }
    body.classList.add("sidenotes");
    for (const n of notes) for (const ref of n.refs) ref.removeAttribute("aria-expanded");
    const origin = body.getBoundingClientRect().top;
    const want = notes.map((n) => n.passage.getBoundingClientRect().top - origin - 2);
    for (const n of notes) n.el.classList.remove("is-folded");
    const full = notes.map((n) => n.el.offsetHeight);
    for (const n of notes) n.el.classList.add("is-folded");
    const one = heights(1);
    const line = heights(2).map((two, i) => two - one[i] || 1);
    let bottom = -Infinity;
    let gap = GAP;
    notes.forEach((n, i) => {
      const top = Math.max(want[i], bottom + gap);
      // the room before the next notes, each of which may start at most LATE px below its
      // passage, once the ones between (on the same lines, say) are folded to one line
      let room = Infinity;
      let between = 0;
      for (let j = i + 1; j < notes.length && want[j] - want[i] < 2 * window.innerHeight; j++) {
        room = Math.min(room, want[j] + LATE - between - GAP - top);
        between += one[j] + TIGHT;
      }
      const lines = n.unfolded || full[i] <= room ? 0 : Math.max(1, Math.floor((room - one[i]) / line[i]) + 1);
      const height = lines ? Math.min(one[i] + (lines - 1) * line[i], full[i]) : full[i];
      n.el.classList.toggle("is-folded", lines > 0);
      n.el.style.setProperty("--lines", String(lines || 1));
      n.el.style.top = `${Math.round(top)}px`;
      n.toggle.hidden = !lines && !n.unfolded;
      n.toggle.setAttribute("aria-expanded", String(!lines));
      bottom = top + height;
      gap = lines === 1 ? TIGHT : GAP;
    });
    body.style.minHeight = `${Math.ceil(bottom)}px`;
  }

  let pending = 0;
  function schedule() {
    if (!pending) pending = requestAnimationFrame(() => ((pending = 0), layout()));
  }

  // Reading a note -------------------------------------------------------------------
  function activate(n) {
    for (const other of notes) other.el.classList.toggle("is-active", other === n);
    if (n.el.classList.contains("is-folded")) unfold(n, true);
    n.el.focus({ preventScroll: true });
  }

  function unfold(n, open) {
    n.unfolded = open;
    layout();
  }

  function toggleOpen(n) {
    const open = n.el.classList.toggle("is-open");
    for (const ref of n.refs) ref.setAttribute("aria-expanded", String(open));
    if (open) {
      const box = n.el.getBoundingClientRect();
      if (box.bottom > window.innerHeight) n.el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  body.addEventListener("click", (event) => {
    const target = event.target;
    const toggle = target.closest(".note-toggle");
    if (toggle) {
      const n = byNumber.get(toggle.parentElement.id.slice("note-".length));
      unfold(n, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    const folded = target.closest(".note.is-folded");
    if (folded && !target.closest("a")) {
      unfold(byNumber.get(folded.id.slice("note-".length)), true);
      return;
    }
    const trigger = target.closest("a.note-ref, mark.passage");
    if (!trigger || (trigger.localName === "mark" && trigger.closest("a"))) return; // a link of the text
    const n = byNumber.get(trigger.localName === "a" ? trigger.hash.slice("#note-".length) : trigger.dataset.note);
    if (!n) return;
    event.preventDefault();
    if (wide.matches) activate(n);
    else toggleOpen(n);
  });

  for (const n of notes) {
    const hover = (on) => () => {
      for (const mark of n.marks) mark.classList.toggle("is-hover", on);
    };
    n.el.addEventListener("mouseenter", hover(true));
    n.el.addEventListener("mouseleave", hover(false));
    n.el.addEventListener("focusin", (event) => {
      // a link of a folded note's text, reached with the keyboard: show the whole note
      if (n.el.classList.contains("is-folded") && event.target.closest(".note-body")) unfold(n, true);
    });
  }

  // The passage of the note the address names (#note-3), highlighted as its note is (the
  // notes follow the text: no selector of the stylesheet goes from a note to its passage).
  function showTarget() {
    for (const n of notes) for (const mark of n.marks) mark.classList.toggle("is-target", location.hash === `#${n.el.id}`);
  }
  showTarget();
  window.addEventListener("hashchange", showTarget);

  // A link from another page to a note (#note-3): open it, or show it in the margin.
  const linked = byNumber.get(location.hash.startsWith("#note-") ? location.hash.slice("#note-".length) : "");
  if (linked && !wide.matches) toggleOpen(linked);

  layout();
  if (linked && wide.matches) {
    linked.el.classList.add("is-active");
    if (linked.el.classList.contains("is-folded")) unfold(linked, true);
    linked.el.scrollIntoView({ block: "start" });
  }
  window.addEventListener("resize", schedule);
  wide.addEventListener("change", schedule);
  window.addEventListener("load", schedule);
})();
