// The search page: reads ?q=, asks the Pagefind index the build wrote in pagefind/, and lists
// the pages found. The page's texts come from the theme's UI strings (data-* attributes); no
// HTML from the index is inserted as such: excerpts are rebuilt as text with <mark>s.
const MAX_RESULTS = 30;

const root = document.getElementById("search");
const form = document.querySelector(".search-form");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const text = (key, values) =>
  (root.dataset[key] || "").replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
// A count's text: the plural form (data-count-one, data-count-other...) that the language's
// CLDR rules choose, as the build does, and the number written as the language writes it.
const lang = document.documentElement.lang;
const counted = (count, values) => {
  const category = new Intl.PluralRules(lang).select(count);
  const key = `count${category[0].toUpperCase()}${category.slice(1)}`;
  return text(key in root.dataset ? key : "countOther", { ...values, count: new Intl.NumberFormat(lang).format(count) });
};

function excerpt(html) {
  const p = document.createElement("p");
  p.className = "search-excerpt";
  const parsed = new DOMParser().parseFromString(html, "text/html"); // inert: nothing runs or loads
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(heading, excerpt(data.excerpt));
  return li;
}

// The index is in shards (pagefind/<shard>/, each a Pagefind bundle), listed by language in
// pagefind/shards.json. Pagefind keeps one index per language, chosen by <html lang> when it starts,
// and stems a query with that language's rules. So each language gets its own instance of
// Pagefind's module (another URL, another module), loaded from the first of its shards and started
// while <html lang> names that language, so that an English article is found by its English stems;
// the language's other shards are merged into it (mergeIndex: searched with that instance's
// stemming, scored shard by shard). The instances' results are merged by score.
async function manifest(bundle) {
  const response = await fetch(`${bundle}shards.json`, { cache: "no-store" });
  if (!response.ok) throw new Error(`${bundle}shards.json: ${response.status}`);
  return response.json();
}

async function instance(bundle, language, shards) {
  const [first, ...others] = shards.map((shard) => `${bundle}${shard}/`);
  const module = await import(`${first}pagefind.js?language=${encodeURIComponent(language)}`);
  const options = { baseUrl: root.dataset.base, excerptLength: 30 };
  await module.options({ ...options, mergeFilter: { shard: shards[0] } }); // each shard's pages tagged
  const html = document.documentElement;
  const own = html.getAttribute("lang");
  html.setAttribute("lang", language);
  const started = module.init(); // reads <html lang> before its first await
  html.setAttribute("lang", own);
  await started;
  const merged = others.map((path, n) => module.mergeIndex(path, { ...options, language, mergeFilter: { shard: shards[n + 1] } }));
  await Promise.all(merged);
  return module;
}

const fold = (word) => word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

function marked(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html"); // inert: nothing runs or loads
  return [...parsed.querySelectorAll("mark")].flatMap((mark) => mark.textContent.split(/['’]/).map(fold)); // l'élection
}

// A shard that has no word beginning as the query's does matches, in Pagefind, the longest word
// it has that begins it ("d'" for "Daech"), which one index of the whole site would not when
// another shard has the word. So when several shards answer a one-word query, a shard is left
// out when the words highlighted in its best page do not begin as the query does (its first
// three letters).
async function found(one, query) {
  const all = await one.search(query);
  if (!all) return [];
  const shards = Object.entries(all.filters?.shard || {}).filter(([, count]) => count > 0);
  const words = query.split(/\s+/).map(fold).filter(Boolean);
  if (shards.length < 2 || words.length !== 1 || words[0].length < 4) return all.results;
  const answers = await Promise.all(shards.map(([shard]) => one.search(query, { filters: { shard } })));
  const kept = await Promise.all(
    answers.map(async (answer) => {
      const best = answer && answer.results[0];
      if (!best) return [];
      const marks = marked((await best.data()).excerpt);
      const begins = marks.length === 0 || marks.some((mark) => mark.slice(0, 3) === words[0].slice(0, 3));
      return begins ? answer.results : [];
    }),
  );
  const results = kept.flat();
  return results.length ? results : all.results; // no shard has the words: Pagefind's own fallback
}

// The site's language first (the page's), then the others, as the manifest lists them.
async function start(bundle) {
  const { languages = {}, stale = false } = await manifest(bundle);
  const own = lang.toLowerCase();
  const names = Object.keys(languages).sort((a, b) => (b === own) - (a === own));
  const instances = [];
  for (const language of names) instances.push(await instance(bundle, language, languages[language]));
  return { instances, stale };
}

async function searchAll(instances, query) {
  const answers = await Promise.all(instances.map((one) => found(one, query)));
  return answers.flat().sort((a, b) => b.score - a.score);
}

// The preview (data-stale is there only) indexes its pages in the background after each save:
// while its manifest says so, the page says that the results may lag, and reloads once it is done.
function watch(bundle, stale) {
  if (!("stale" in root.dataset)) return;
  const note = root.querySelector(".search-stale");
  note.textContent = stale ? text("stale", {}) : "";
  note.hidden = !stale;
  setTimeout(async () => {
    const now = await manifest(bundle).catch(() => ({ stale }));
    if (stale && !now.stale) location.reload();
    else watch(bundle, Boolean(now.stale));
  }, 1000);
}

async function main() {
  const query = (new URLSearchParams(location.search).get("q") || "").trim();
  form.elements.q.value = query;
  status.textContent = "";
  let started;
  try {
    started = await start(root.dataset.bundle);
  } catch {
    status.textContent = text("unavailable", {});
    root.dataset.state = "unavailable";
    watch(root.dataset.bundle, true); // the preview's first index may still be on its way
    return;
  }
  const { instances, stale } = started;
  watch(root.dataset.bundle, stale);
  if (!query) {
    form.elements.q.focus();
    root.dataset.state = "ready";
    return;
  }
  document.title = `${query} — ${document.title}`;
  status.textContent = text("searching", {});
  root.setAttribute("aria-busy", "true");
  const results = await searchAll(instances, query);
  const pages = await Promise.all(results.slice(0, MAX_RESULTS).map((result) => result.data()));
  list.replaceChildren(...pages.map(item));
  const count = results.length;
  status.textContent = count === 0 ? text("none", { query }) : counted(count, { query });
  root.removeAttribute("aria-busy");
  root.dataset.state = "done"; // for tests and styles: the results are shown
}

main().catch((error) => {
  status.textContent = text("unavailable", {});
  root.removeAttribute("aria-busy");
  root.dataset.state = "unavailable";
  console.error(error);
});
