// Coverage (#/coverage?year=Y&region=CODE, GET /coverage): which expected bodies of a region
// published that year's report, counts per division, and the missing bodies with links to the
// years they did publish.
import { escapeHtml, getJson } from "./api.js";
import { fillSelect, regionPrefix } from "./agency-picker.js";

/** 320800 → 3208: the prefix a division's code stands for. */
const prefixOf = (code) => code.replace(/(?:00){1,2}$/, "");

function formHtml() {
  return `<section class="card"><h2>发布情况 Coverage</h2>
    <form id="coverage-form" class="coverage-form">
      <label>年度 Year <input id="coverage-year" name="year" type="number" min="1990" max="2100" required placeholder="如 2023"></label>
      <div class="regions">
        <select id="coverage-province" aria-label="省 province"></select>
        <select id="coverage-city" aria-label="市 city"></select>
        <select id="coverage-county" aria-label="县 county"></select>
      </div>
      <button type="submit">查看 Show</button>
    </form></section>
    <div id="coverage-result"></div>`;
}

function setUpForm(container) {
  container.innerHTML = formHtml();
  const [province, city, county] = ["#coverage-province", "#coverage-city", "#coverage-county"].map((s) => container.querySelector(s));
  province.addEventListener("change", async () => {
    await fillSelect(city, province.value || null, "市 city");
    await fillSelect(county, null, "县 county");
  });
  city.addEventListener("change", () => fillSelect(county, city.value && city.selectedOptions[0]?.dataset.level === "city" ? city.value : null, "县 county"));
  container.querySelector("#coverage-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const year = container.querySelector("#coverage-year").value;
    const region = regionPrefix(province.value, city.value, county.value);
    location.hash = `#/coverage?${new URLSearchParams({ year, region })}`;
  });
  void fillSelect(province, "", "省 province");
  void fillSelect(city, null, "市 city");
  void fillSelect(county, null, "县 county");
}

function divisionsHtml(c) {
  const rows = c.divisions
    .map((d) => {
      const name = d.own ? `${escapeHtml(d.name)}本级` : `<a href="#/coverage?${new URLSearchParams({ year: c.year, region: prefixOf(d.code) })}">${escapeHtml(d.name)}</a>`;
      return `<tr data-code="${escapeHtml(d.code)}"><td>${name}</td><td>${d.expected}</td><td>${d.published}</td><td class="${d.missing ? "error" : ""}">${d.missing}</td></tr>`;
    })
    .join("");
  return `<table class="list coverage-divisions" id="coverage-divisions"><thead><tr><th>地区 Division</th><th>应发布 Expected</th><th>已发布 Published</th><th>未发布 Missing</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function missingHtml(c) {
  if (c.missing.length === 0) return `<p class="muted" id="coverage-none-missing">全部已发布 · every expected body published</p>`;
  const items = c.missing.map((m) => {
    const years = m.reports.length
      ? `已发布 published: ${m.reports.map((r) => `<a href="#/reports/${escapeHtml(r.reportId)}" data-year="${r.year}">${r.year}</a>`).join(" ")}`
      : "从未发布 never published";
    const name = m.reports.length ? `<a href="#/agencies/${encodeURIComponent(m.agencyId)}">${escapeHtml(m.agency)}</a>` : escapeHtml(m.agency);
    return `<li data-agency-id="${escapeHtml(m.agencyId)}"><span class="name">${name}</span> <span class="muted">${escapeHtml(m.region.code)}</span> · <span class="years">${years}</span></li>`;
  });
  return `<ul class="coverage-missing" id="coverage-missing">${items.join("")}</ul>`;
}

function publishedHtml(c) {
  const items = c.published.map(
    (p) => `<li data-agency-id="${escapeHtml(p.agencyId)}"><a href="#/reports/${escapeHtml(p.reportId)}">${escapeHtml(p.agency)}</a> <span class="muted">${escapeHtml(p.region.code)}</span></li>`,
  );
  return `<ul id="coverage-published">${items.join("") || `<li class="muted">无 none</li>`}</ul>`;
}

function resultHtml(c) {
  const lists = c.lists.length ? `<p class="muted">按导入的机关清单 · from the imported list of ${c.lists.map((l) => `${escapeHtml(l.scope)} (${l.bodies})`).join(", ")}</p>` : "";
  return `<section class="card"><h2>${escapeHtml(c.year)} 年 · ${escapeHtml(c.region)}</h2>${lists}
      <div class="kpis" id="coverage-counts">
        <div class="kpi"><b data-count="expected">${c.counts.expected}</b><span>应发布 expected</span></div>
        <div class="kpi"><b data-count="published">${c.counts.published}</b><span>已发布 published</span></div>
        <div class="kpi"><b data-count="missing" class="${c.counts.missing ? "error" : ""}">${c.counts.missing}</b><span>未发布 missing</span></div>
      </div></section>
    <section class="card"><h2>按地区 By division</h2>${divisionsHtml(c)}</section>
    <section class="card"><h2>未发布 Missing</h2>${missingHtml(c)}</section>
    <section class="card"><h2>已发布 Published</h2>${publishedHtml(c)}</section>`;
}

/** Renders the view for the hash's `params` (year, region); the form is built once and kept. */
export async function renderCoverage(container, params) {
  if (!container.querySelector("#coverage-form")) setUpForm(container);
  const out = container.querySelector("#coverage-result");
  const year = params.get("year");
  const region = params.get("region");
  if (year) container.querySelector("#coverage-year").value = year;
  if (!year || !region) {
    out.innerHTML = `<p class="muted card">选择年度和地区 · Choose a year and a region.</p>`;
    return;
  }
  out.innerHTML = `<p class="muted card">…</p>`;
  try {
    out.innerHTML = resultHtml(await getJson("/coverage", { year, region }));
  } catch (error) {
    out.innerHTML = `<section class="card"><p class="error" id="coverage-error">${escapeHtml(error.message)}</p></section>`;
  }
}
