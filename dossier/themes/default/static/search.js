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

// Pagefind keeps one index per language, chosen by <html lang> when it starts, and stems a query
// with that language's rules. The site's language is the page's; each other language the site
// has pages in (data-languages) gets its own instance of Pagefind's module (another URL, another
// module), started while <html lang> names that language, so that an English article is found
// by its English stems. Their results are merged by score.
async function instance(bundle, language) {
  const module = await import(`${bundle}pagefind.js${language ? `?language=${encodeURIComponent(language)}` : ""}`);
  await module.options({ baseUrl: root.dataset.base, excerptLength: 30 });
  if (language) {
    const html = document.documentElement;
    const own = html.getAttribute("lang");
    html.setAttribute("lang", language);
    const started = module.init(); // reads <html lang> before its first await
    html.setAttribute("lang", own);
    await started;
  }
  return module;
}

async function searchAll(instances, query) {
  const found = await Promise.all(instances.map((one) => one.search(query)));
  const results = found.flatMap((one) => (one ? one.results : []));
  return results.sort((a, b) => b.score - a.score);
}

async function main() {
  const query = (new URLSearchParams(location.search).get("q") || "").trim();
  form.elements.q.value = query;
  status.textContent = "";
  let instances;
  try {
    const others = (root.dataset.languages || "").split(" ").filter(Boolean);
    instances = [await instance(root.dataset.bundle, "")];
    for (const language of others) instances.push(await instance(root.dataset.bundle, language));
  } catch {
    status.textContent = text("unavailable", {});
    root.dataset.state = "unavailable";
    return;
  }
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
