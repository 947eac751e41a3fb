// The timeline page, improved when JavaScript runs (without it, every entry shows):
// - the topic filter: shows the control the page ships hidden; choosing a topic hides the
//   entries without it (and the years left empty); "all topics" shows them again. The choice
//   is kept in the address (?topic=slug), so a filtered timeline can be shared;
// - deep links (#event-slug, #article-slug): a linked entry hidden by the filter is shown
//   again; on the main page of a timeline split by year, a link to an entry that is on a
//   year's page goes there (timeline.json says each entry's year); an older link without
//   the "event-" prefix still finds its entry.
const root = document.querySelector(".chrono");

if (root) {
  const filter = root.querySelector(".timeline-filter");
  const select = filter ? filter.querySelector("select") : null;
  const status = filter ? filter.querySelector(".timeline-filter-status") : null;
  const entries = [...root.querySelectorAll(".entry[data-topics]")];
  const years = [...root.querySelectorAll(".year")];

  const apply = (topic) => {
    let shown = 0;
    for (const entry of entries) {
      const match = !topic || entry.dataset.topics.split(" ").includes(topic);
      entry.hidden = !match;
      shown += match ? 1 : 0;
    }
    for (const year of years) {
      year.hidden = !year.querySelector(".entry:not([hidden])");
    }
    root.classList.toggle("is-filtered", Boolean(topic));
    if (status) {
      // the plural form (data-shown-one, data-shown-other...) the language's CLDR rules choose
      const lang = document.documentElement.lang;
      const category = new Intl.PluralRules(lang).select(shown);
      const key = `shown${category[0].toUpperCase()}${category.slice(1)}`;
      const text = filter.dataset[key] ?? filter.dataset.shownOther;
      status.textContent = topic ? text.replace("{count}", new Intl.NumberFormat(lang).format(shown)) : "";
    }
    const address = new URL(window.location.href);
    if (topic) {
      address.searchParams.set("topic", topic);
    } else {
      address.searchParams.delete("topic");
    }
    window.history.replaceState(window.history.state, "", address);
  };

  if (filter && select) {
    filter.hidden = false;
    select.addEventListener("change", () => apply(select.value));
    const wanted = new URL(window.location.href).searchParams.get("topic");
    if (wanted && [...select.options].some((option) => option.value === wanted)) {
      select.value = wanted;
      apply(wanted);
    }
  }

  const yearPage = async (id) => {
    const data = document.querySelector('link[rel="alternate"][type="application/json"]');
    const pages = root.querySelectorAll(".topic-years a[data-year]");
    if (!data || pages.length === 0) {
      return null;
    }
    const response = await fetch(data.href);
    if (!response.ok) {
      return null;
    }
    const timeline = await response.json();
    const key = id.startsWith("event-") ? id.slice("event-".length) : id;
    const found = (timeline.events || []).find((event) => event.unique_id === key);
    const link = found && [...pages].find((a) => a.dataset.year === found.start_date.year);
    return link ? link.href : null;
  };

  const reveal = async () => {
    let id = "";
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch {
      return; // not an address this page made
    }
    if (!id) {
      return;
    }
    let target = document.getElementById(id);
    if (!target && !id.startsWith("event-") && document.getElementById(`event-${id}`)) {
      window.location.replace(`#event-${id}`); // an older link: the entry's id has a prefix now
      return;
    }
    if (!target) {
      const page = await yearPage(id).catch(() => null);
      if (page) {
        window.location.replace(`${page}#${encodeURIComponent(id)}`);
      }
      return;
    }
    if (target.hidden || (target.closest(".year") || target).hidden) {
      if (select) {
        select.value = "";
      }
      apply("");
      target = document.getElementById(id);
      target.scrollIntoView();
    }
  };

  window.addEventListener("hashchange", reveal);
  reveal();
}
