// The page: the list of reports with filters, charts of the selection, the upload box, and
// the report view (#/reports/<id>).
import { apiUrl, escapeHtml, getJson, getTemplate, postJson } from "./api.js";
import { setUpExportJob } from "./export-job.js";
import { drawCharts } from "./charts.js";
import { renderReport } from "./report-view.js";
import { indicatorLine } from "./text-reuse-view.js";
import { renderAgencySeries, renderComparison } from "./compare-view.js";
import { setUpUpload } from "./upload.js";
import { setUpAgencyPicker } from "./agency-picker.js";
import { renderCoverage } from "./coverage-view.js";
import { pickCell, setUpPicks } from "./list-picks.js";

const $ = (selector) => document.querySelector(selector);
const listView = $("#list-view");
const reportView = $("#report-view");
const agencyView = $("#agency-view");
const compareView = $("#compare-view");
const coverageView = $("#coverage-view");
let nextCursor = null;

function currentFilters() {
  const data = new FormData($("#filters"));
  return Object.fromEntries([...data.entries()].filter(([, v]) => String(v).trim() !== "").map(([k, v]) => [k, String(v).trim()]));
}

function showError(error) {
  const el = $("#filter-error");
  el.hidden = !error;
  el.textContent = error ? error.message : "";
}

/** Chinese first; the status code follows (the filters and the API use it). */
const STATUS_LABEL = { VALID: "有效 VALID", NEEDS_REVIEW: "需复核 NEEDS_REVIEW", FAILED: "失败 FAILED" };

/** The file a report came from, and for a FAILED one why it gave no record. */
function fileNote(item) {
  const reason = item.failure ? `<div class="failure-reason error">${escapeHtml(item.failure)}</div>` : "";
  return `<div class="file-name muted">${escapeHtml(item.fileName ?? "—")}</div>${reason}`;
}

function rowHtml(item) {
  return `<tr data-id="${escapeHtml(item.id)}">${pickCell(item)}
    <td class="agency">${escapeHtml(item.agency ?? "（未识别）")}</td><td>${escapeHtml(item.year ?? "—")}</td><td>${escapeHtml(item.edition ?? "—")}</td>
    <td><span class="badge ${escapeHtml(item.status)}">${escapeHtml(STATUS_LABEL[item.status] ?? item.status)}</span></td>
    <td>${item.errorCount ? `<span class="error">${item.errorCount}</span>` : "0"}</td>
    <td class="muted">${escapeHtml(new Date(item.updatedAt).toLocaleString("zh-CN"))}</td>
    <td class="file">${fileNote(item)}</td></tr>`;
}

async function loadList(append = false) {
  const filters = currentFilters();
  try {
    const page = await getJson("/reports", { ...filters, limit: 25, ...(append && nextCursor ? { cursor: nextCursor } : {}) });
    const tbody = $("#report-table tbody");
    if (!append) tbody.innerHTML = "";
    tbody.insertAdjacentHTML("beforeend", page.items.map(rowHtml).join(""));
    nextCursor = page.nextCursor;
    $("#more").hidden = !nextCursor;
    $("#list-empty").hidden = tbody.children.length > 0;
    $("#list-count").textContent = `${tbody.children.length}${nextCursor ? "+" : ""}`;
    showError(null);
  } catch (error) {
    showError(error);
  }
  $("#export-link").href = apiUrl("/export.csv", { ...filters, headers: "zh" });
  $("#export-xlsx-link").href = apiUrl("/export.xlsx", filters);
}

async function loadStats() {
  const filters = currentFilters();
  delete filters.limit;
  try {
    const [stats, template] = await Promise.all([getJson("/stats", filters), getTemplate()]);
    drawCharts(stats, template);
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    const granted = stats.outcomes.find((o) => o.key === "granted");
    $("#stats-summary").innerHTML = `<h2>汇总 Totals</h2><div class="kpis">
      <div class="kpi"><b>${stats.reportCount}</b><span>报告 reports</span></div>
      <div class="kpi"><b class="error">${stats.reportsWithErrors}</b><span>含勾稽错误 with errors</span></div>
      <div class="kpi"><b>${stats.applications.newReceived?.total ?? 0}</b><span>本年新收申请 new applications</span></div>
      <div class="kpi"><b>${granted && stats.outcomes.some((o) => o.count > 0) ? pct(granted.share) : "—"}</b><span>予以公开占比 granted share</span></div>
      <div class="kpi"><b>${stats.reviewLitigation.review?.total ?? 0}</b><span>行政复议 reviews</span></div>
      <div class="kpi"><b>${(stats.reviewLitigation.litigationDirect?.total ?? 0) + (stats.reviewLitigation.litigationAfterReview?.total ?? 0)}</b><span>行政诉讼 lawsuits</span></div>
      ${stats.indicators ? Object.entries(stats.indicators).map(([key, indicator]) => indicatorLine(key, indicator)).join("") : ""}
      ${stats.textReuse?.measured ? `<div class="kpi" id="reuse-mean"><b>${pct(stats.textReuse.mean)}</b><span>与上年重复文字（平均，${stats.textReuse.measured} 份）text reused</span></div>` : ""}
    </div>`;
  } catch (error) {
    showError(error);
  }
}

function refresh() {
  nextCursor = null;
  void loadList();
  void loadStats();
}

/** Shows one view and hides the others. */
function show(view, name) {
  for (const el of [listView, reportView, agencyView, compareView, coverageView]) el.hidden = el !== view;
  document.body.dataset.view = name;
}

async function route() {
  const report = /^#\/reports\/([0-9a-fA-F]{64})/.exec(location.hash);
  const agency = /^#\/agencies\/([^?]+)/.exec(location.hash);
  const compare = /^#\/compare(?:\?(.*))?$/.exec(location.hash);
  const coverage = /^#\/coverage(?:\?(.*))?$/.exec(location.hash);
  if (report) {
    show(reportView, "report");
    await renderReport(reportView, report[1]);
  } else if (agency) {
    show(agencyView, "agency");
    await renderAgencySeries(agencyView, decodeURIComponent(agency[1]));
  } else if (compare) {
    show(compareView, "compare");
    await renderComparison(compareView, new URLSearchParams(compare[1] ?? ""));
  } else if (coverage) {
    show(coverageView, "coverage");
    await renderCoverage(coverageView, new URLSearchParams(coverage[1] ?? ""));
  } else {
    show(listView, "list");
  }
}

$("#filters").addEventListener("submit", (e) => {
  e.preventDefault();
  refresh();
});
$("#filters").addEventListener("reset", () => setTimeout(refresh, 0));
setUpAgencyPicker($("#filters"), () => refresh());
setUpExportJob({ button: $("#export-job"), format: $("#export-format"), status: $("#export-job-status"), filters: currentFilters, postJson, getJson });
$("#more").addEventListener("click", () => void loadList(true));
$("#report-table tbody").addEventListener("click", (e) => {
  const row = !e.target.closest("td.pick") && e.target.closest("tr[data-id]");
  if (row) location.hash = `#/reports/${row.dataset.id}`;
});
setUpPicks($("#report-table tbody"), $("#compare-picks"));
setUpUpload({
  input: $("#upload-input"),
  zone: $("#drop-zone"),
  list: $("#upload-list"),
  onRecord: () => refresh(),
});
window.addEventListener("hashchange", () => void route());
refresh();
void route();
