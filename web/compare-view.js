// One agency's figures year by year (#/agencies/<agency>, GET /agencies/{id}/series) and
// reports side by side with the differing cells marked (#/compare?…, GET /compare).
import { escapeHtml, getJson, getTemplate } from "./api.js";
import { moneyLabel } from "./report-view.js";

const COLORS = ["#a4262c", "#3b7dd8", "#d9822b", "#6b8e23", "#8e6bbf", "#2a9d8f", "#7b8794"];
/** Figures the series chart starts with. */
const DEFAULT_FIGURES = [
  "applications.newReceived.total",
  "applications.carriedOver.total",
  "applications.granted.total",
  "applications.carriedForward.total",
  "reviewLitigation.review.total",
];

let seriesChart;

/** `section.row.column` → a label as the template prints it (both editions). */
async function figureLabels() {
  const template = await getTemplate();
  const labels = new Map();
  for (const edition of template.editions) {
    for (const item of template.activeDisclosure[edition] ?? []) {
      for (const row of item.rows) {
        for (const c of item.columns) labels.set(`activeDisclosure.${row.key}.${c.key}`, `${row.label} · ${moneyLabel(c)}`);
      }
    }
    for (const row of template.applications.rows[edition] ?? []) {
      for (const c of template.applications.columns) {
        labels.set(`applications.${row.key}.${c.key}`, `${row.group ? `${row.group} ` : ""}${row.label} · ${c.label}`);
      }
    }
  }
  for (const g of template.reviewLitigation.groups) {
    for (const c of template.reviewLitigation.columns) labels.set(`reviewLitigation.${g.key}.${c.key}`, `${g.label} · ${c.label}`);
  }
  return (name) => labels.get(name) ?? name;
}

const format = (v) => (v === null || v === undefined ? "—" : v.toLocaleString("zh-CN", { maximumFractionDigits: 6 }));
const reportName = (r) => `${r.agency ?? "（未识别）"} ${r.year ?? ""}`;

function failure(container, error) {
  container.innerHTML = `<section class="card"><p class="error" id="view-error">${escapeHtml(error.message)}</p><a href="#/">← 返回 back</a></section>`;
}

function drawSeries(series, labelOf, names) {
  if (!window.Chart) return;
  seriesChart?.destroy();
  const years = series.reports.map((r) => String(r.year ?? "?"));
  // One year is no line: its figures are drawn as bars side by side instead of lone dots.
  seriesChart = new window.Chart(document.getElementById("series-chart"), {
    type: years.length === 1 ? "bar" : "line",
    data: {
      labels: years,
      datasets: names
        .map((name) => series.series.find((s) => s.name === name))
        .filter(Boolean)
        .map((s, i) => ({ label: labelOf(s.name), data: s.values, borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], spanGaps: true })),
    },
    options: {
      responsive: true,
      animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "件" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

/** The fullest of a body's printed names (淮安市洪泽区人民政府 over 洪泽区人民政府). */
function fullestName(names) {
  return [...names].sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
}

/** #/agencies/<agency>: a chart of chosen figures by year and every figure in a table. */
export async function renderAgencySeries(container, agency) {
  container.innerHTML = `<p class="muted">加载中 loading…</p>`;
  let series;
  try {
    series = await getJson(`/agencies/${encodeURIComponent(agency)}/series`);
  } catch (error) {
    failure(container, error);
    return;
  }
  const labelOf = await figureLabels();
  const pairs = series.reports.slice(1).map((r, i) => [series.reports[i], r]);
  const options = series.series
    .map((s) => `<option value="${escapeHtml(s.name)}" ${DEFAULT_FIGURES.includes(s.name) ? "selected" : ""}>${escapeHtml(labelOf(s.name))}</option>`)
    .join("");
  const head = `<tr><th>项目 Figure</th>${series.reports
    .map((r) => `<th><a href="#/reports/${escapeHtml(r.id)}">${escapeHtml(r.year ?? "?")}</a> <span class="badge ${escapeHtml(r.status)}">${escapeHtml(r.status)}</span></th>`)
    .join("")}</tr>`;
  const rows = series.series
    .map((s) => {
      const cells = s.values
        .map((v, i) => {
          const changed = i > 0 && v !== s.values[i - 1];
          return `<td class="num${changed ? " changed" : ""}">${format(v)}</td>`;
        })
        .join("");
      return `<tr data-figure="${escapeHtml(s.name)}"><td class="label">${escapeHtml(labelOf(s.name))}</td>${cells}</tr>`;
    })
    .join("");
  container.innerHTML = `<section class="card report-head">
      <div><h1 id="series-title">${escapeHtml(fullestName(series.agencies) ?? series.agencyKey)} · 历年 by year</h1>
      <div class="meta">报告中的名称 names printed: ${series.agencies.map(escapeHtml).join("、")} · ${series.reports.length} 份报告 reports</div></div>
      <div><a href="#/">← 返回 back</a></div>
    </section>
    <section class="card chart-card">
      <h2>历年数字 Figures by year</h2>
      <label class="picker">项目 Figures <select id="series-figures" multiple size="5">${options}</select></label>
      <canvas id="series-chart" height="240"></canvas>
      ${pairs.length ? `<p class="pairs">逐年比较 Compare: ${pairs
        .map(([a, b]) => `<a class="compare-link" href="#/compare?reports=${escapeHtml(a.id)},${escapeHtml(b.id)}">${escapeHtml(a.year)} ↔ ${escapeHtml(b.year)}</a>`)
        .join(" · ")}</p>` : ""}
    </section>
    <section class="card"><details id="series-details"><summary><h2>全部数字 Every figure <small>${series.series.length} 项 · 与上一年不同的单元格已标出 cells that changed from the year before are marked</small></h2></summary>
      <div class="scroll"><table class="template" id="series-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>
    </details></section>`;
  const picker = container.querySelector("#series-figures");
  const chosen = () => [...picker.selectedOptions].map((o) => o.value);
  picker.addEventListener("change", () => drawSeries(series, labelOf, chosen()));
  drawSeries(series, labelOf, chosen());
  return series;
}

/** #/compare?reports=a,b or #/compare?agencies=a,b&year=Y: figures side by side. */
export async function renderComparison(container, params) {
  const agencies = params.get("agencies") ?? "";
  const year = params.get("year") ?? "";
  const form = `<form id="compare-form" class="inline-form">
      <label>机关 Agencies <input name="agencies" value="${escapeHtml(agencies)}" placeholder="机关名称，以逗号分隔，如：西湖区教育局,乌海市教育局"></label>
      <label>年度 Year <input name="year" type="number" min="1990" max="2100" value="${escapeHtml(year)}" placeholder="如 2021"></label>
      <button type="submit">比较 Compare</button>
      <label class="only"><input type="checkbox" id="only-differing"> 只看不同 only differing</label>
    </form>`;
  container.innerHTML = `<section class="card report-head"><div><h1>并排比较 Side by side</h1></div><div><a href="#/">← 返回 back</a></div></section>
    <section class="card">${form}<div id="compare-body"><p class="muted">加载中 loading…</p></div></section>`;
  container.querySelector("#compare-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(e.target);
    location.hash = `#/compare?agencies=${encodeURIComponent(String(data.get("agencies")).trim())}&year=${encodeURIComponent(String(data.get("year")).trim())}`;
  });
  const body = container.querySelector("#compare-body");
  const query = {};
  for (const key of ["reports", "agencies", "year"]) if (params.get(key)) query[key] = params.get(key);
  if (!query.reports && !query.agencies) {
    body.innerHTML = `<p class="muted">输入机关和年度，或在<a href="#/">报告列表</a>中勾选报告 · Enter agencies and a year, or pick reports in the list.</p>`;
    return;
  }
  let comparison;
  try {
    comparison = await getJson("/compare", query);
  } catch (error) {
    body.innerHTML = `<p class="error" id="view-error">${escapeHtml(error.message)}</p>`;
    return;
  }
  const labelOf = await figureLabels();
  const head = `<tr><th>项目 Figure</th>${comparison.reports
    .map((r) => `<th><a href="#/reports/${escapeHtml(r.id)}">${escapeHtml(reportName(r))}</a><div class="meta">${escapeHtml(r.edition ?? "")} · ${escapeHtml(r.status)}</div></th>`)
    .join("")}</tr>`;
  const rows = comparison.rows
    .map(
      (row) => `<tr data-figure="${escapeHtml(row.name)}" class="${row.differs ? "differs" : "same"}"><td class="label">${escapeHtml(labelOf(row.name))}</td>${row.values
        .map((v) => `<td class="num${row.differs ? " differs" : ""}">${format(v)}</td>`)
        .join("")}</tr>`,
    )
    .join("");
  body.innerHTML = `<p class="meta" id="compare-summary">${comparison.differing} / ${comparison.rows.length} 项不同 figures differ</p>
    <div class="scroll"><table class="template" id="compare-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
  container.querySelector("#only-differing").addEventListener("change", (e) => {
    container.querySelector("#compare-table").classList.toggle("only-differing", e.target.checked);
  });
  return comparison;
}
