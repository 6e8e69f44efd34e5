// One report drawn as the template prints its three tables (labels from GET /template),
// with every cell named by a finding highlighted and its message shown on the cell
// (title and a visible marker) and listed under the table.
import { apiUrl, escapeHtml, getJson, getTemplate } from "./api.js";
import { openOriginalPane, openSourcePane } from "./source-pane.js";
import { indicatorsSection, textReuseSection } from "./text-reuse-view.js";
import { addReviewControls } from "./review-control.js";

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
/** Chinese first; the English word follows for bilingual readers. */
const SEVERITY_LABEL = { error: "错误 error", warning: "警告 warning", info: "提示 info" };
const severityLabel = (severity) => SEVERITY_LABEL[severity] ?? severity;

function formatNumber(value) {
  return typeof value === "number" ? value.toLocaleString("zh-CN", { maximumFractionDigits: 6 }) : "";
}

/** Findings by the cells they name: `resultsTotal.total` → [finding, …], worst first. */
function findingsByCell(findings) {
  const map = new Map();
  findings.forEach((finding, index) => {
    for (const cell of finding.cells ?? []) {
      if (!map.has(cell)) map.set(cell, []);
      map.get(cell).push({ ...finding, index });
    }
  });
  for (const list of map.values()) list.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return map;
}

function cell(value, name, byCell) {
  if (value === undefined) return `<td class="num absent" data-cell="${escapeHtml(name)}">—</td>`;
  const found = byCell.get(name) ?? [];
  if (found.length === 0) return `<td class="num" data-cell="${escapeHtml(name)}" tabindex="0">${formatNumber(value)}</td>`;
  const worst = found[0].severity;
  const title = found.map((f) => `[${severityLabel(f.severity)}] ${f.message}`).join("\n");
  const markers = found.map((f) => `#${f.index + 1}`).join(" ");
  const note = worst === "error" && found[0].expected !== null && found[0].expected !== undefined && found[0].cells.length === 1
    ? `应为 ${formatNumber(found[0].expected)} · ${markers}`
    : markers;
  return `<td class="num finding-${worst}" data-cell="${escapeHtml(name)}" tabindex="0" data-finding="${escapeHtml(found[0].rule)}" title="${escapeHtml(title)}">${formatNumber(value)}<span class="marker">⚠ ${escapeHtml(note)}</span></td>`;
}

/**
 * A cross-year carry-over finding names both years' cells; on this record only its own side
 * is highlighted (上年结转 against the year before, 结转下年度 against the year after).
 */
function ownCells(finding, record) {
  if (finding.rule !== "crossYear.carryOver" || !finding.related) return finding;
  const own = finding.related.year < record.year ? "carriedOver." : "carriedForward.";
  return { ...finding, cells: (finding.cells ?? []).filter((c) => c.startsWith(own)) };
}

/** A source as the page lists it: its file name and format, and which file's figures the record carries (one report, several files). */
function sourceLabel(source) {
  const name = escapeHtml(source.fileName ?? source.uri);
  const notes = [source.format, source.carried ? "本记录采用其数字" : null].filter(Boolean).map(escapeHtml);
  return notes.length ? `${name}（${notes.join("，")}）` : name;
}

/** Which pages OCR read: figures read from a scan deserve a second look. */
function ocrLine(ocr) {
  if (!ocr) return "";
  const confidence = ocr.confidence === undefined ? "" : ` · 置信度 confidence ${escapeHtml(ocr.confidence)}`;
  return `<div class="meta ocr-note" data-engine="${escapeHtml(ocr.engine)}">扫描件 OCR: ${escapeHtml(ocr.engine)} · 第 ${escapeHtml(ocr.pages.join("、"))} 页 pages${confidence}</div>`;
}

/** Where a text finding comes from: the sentence of the prose, or the other year's report. */
function origin(f) {
  if (f.sentence) return ` <q class="sentence">${escapeHtml(f.sentence)}</q>`;
  if (f.related) return ` <a class="related" href="#/reports/${escapeHtml(f.related.reportId)}">→ ${escapeHtml(f.related.year)} 年报告</a>`;
  return "";
}

/** Findings about the prose, each shown beside the sentence it comes from. */
function textFindings(findings) {
  const items = findings.map((f, index) => ({ ...f, index })).filter((f) => f.sentence);
  if (items.length === 0) return "";
  return `<section class="card" id="text-findings"><h2>正文与表格 Text vs tables</h2>${items
    .map(
      (f) => `<div class="text-finding ${escapeHtml(f.severity)}" data-rule="${escapeHtml(f.rule)}">
        <blockquote class="sentence">${escapeHtml(f.sentence)}</blockquote>
        <div class="why"><b>#${f.index + 1} ${escapeHtml(severityLabel(f.severity))}</b> 正文 ${escapeHtml(f.actual ?? "—")} ≠ 表格 ${escapeHtml(f.expected ?? "—")}
          <div class="meta">${escapeHtml(f.message)}</div></div>
      </div>`,
    )
    .join("")}</section>`;
}

/** Cross-year findings by the other year's report, with links to it and to the side-by-side view. */
function crossYearFindings(findings, record) {
  const byReport = new Map();
  findings.forEach((f, index) => {
    if (!f.related) return;
    if (!byReport.has(f.related.reportId)) byReport.set(f.related.reportId, { year: f.related.year, items: [] });
    byReport.get(f.related.reportId).items.push({ ...f, index });
  });
  if (byReport.size === 0) return "";
  const groups = [...byReport.entries()]
    .sort((a, b) => a[1].year - b[1].year)
    .map(([id, { year, items }]) => {
      const pair = year < record.year ? `${id},${record.id}` : `${record.id},${id}`;
      return `<div class="cross-year" data-related="${escapeHtml(id)}">
        <h3>与 <a href="#/reports/${escapeHtml(id)}">${escapeHtml(year)} 年报告</a> 核对 · <a class="compare-link" href="#/compare?reports=${escapeHtml(pair)}">并排比较 side by side</a></h3>
        <ol class="findings">${items
          .map((f) => `<li value="${f.index + 1}" class="${escapeHtml(f.severity)}" data-rule="${escapeHtml(f.rule)}"${cellsAttribute(f)}><b>${escapeHtml(severityLabel(f.severity))}</b> ${escapeHtml(f.message)}</li>`)
          .join("")}</ol></div>`;
    })
    .join("");
  return `<section class="card" id="cross-year-findings"><h2>跨年度核对 Other years</h2>${groups}</section>`;
}

/** A finding's cells, for opening the first one's source when the finding is clicked. */
function cellsAttribute(finding) {
  return finding.cells?.length ? ` data-cells="${escapeHtml(finding.cells.join(" "))}" tabindex="0"` : "";
}

function findingsList(findings, belongs) {
  const items = findings
    .map((f, index) => ({ ...f, index }))
    .filter(belongs)
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (items.length === 0) return "";
  return `<ol class="findings">${items
    .map(
      (f) => `<li value="${f.index + 1}" class="${escapeHtml(f.severity)}" data-rule="${escapeHtml(f.rule)}"${cellsAttribute(f)}><b>${escapeHtml(severityLabel(f.severity))}</b> ${escapeHtml(f.message)}${origin(f)}</li>`,
    )
    .join("")}</ol>`;
}

/** Amounts are recorded in 万元 (`…TenThousandYuan` in the contract): the header says so where the template's label does not. */
export function moneyLabel(column) {
  return column.key.endsWith("TenThousandYuan") && !column.label.includes("万元") ? `${column.label}（万元）` : column.label;
}

function disclosureTable(record, template, byCell) {
  const items = template.activeDisclosure[record.edition] ?? [];
  const width = Math.max(...items.map((i) => i.columns.length)) + 1;
  const rows = items
    .map((item) => {
      const head = `<tr class="item"><th colspan="${width}">第二十条第${escapeHtml(item.item)}项</th></tr>
        <tr><th>信息内容</th>${item.columns.map((c) => `<th colspan="${item.columns.length === 1 ? width - 1 : 1}">${escapeHtml(moneyLabel(c))}</th>`).join("")}${
          item.columns.length > 1 && item.columns.length < width - 1 ? `<th colspan="${width - 1 - item.columns.length}"></th>` : ""
        }</tr>`;
      const body = item.rows
        .map((row) => {
          const values = record.activeDisclosure?.[row.key];
          const cells = item.columns
            .map((c) => {
              const html = cell(values ? values[c.key] : undefined, `${row.key}.${c.key}`, byCell);
              return item.columns.length === 1 ? html.replace("<td ", `<td colspan="${width - 1}" `) : html;
            })
            .join("");
          const pad = item.columns.length > 1 && item.columns.length < width - 1 ? `<td colspan="${width - 1 - item.columns.length}"></td>` : "";
          return `<tr><td class="label">${escapeHtml(row.label)}</td>${cells}${pad}</tr>`;
        })
        .join("");
      return head + body;
    })
    .join("");
  return `<table class="template" id="table-activeDisclosure">${rows}</table>`;
}

function applicationsTable(record, template, byCell) {
  const columns = template.applications.columns;
  const rows = template.applications.rows[record.edition] ?? [];
  const parts = columns.filter((c) => c.key !== "total" && c.key !== "naturalPerson");
  // The rows printed under 三、本年度办理结果, as /template marks them.
  const resultRows = rows.filter((r) => r.result);
  const head = `<thead>
    <tr><th colspan="3" rowspan="3">本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和</th><th colspan="${columns.length}">申请人情况</th></tr>
    <tr><th rowspan="2">${escapeHtml(columns[0].label)}</th><th colspan="${parts.length}">法人或其他组织</th><th rowspan="2">${escapeHtml(columns.at(-1).label)}</th></tr>
    <tr>${parts.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("")}</tr>
  </thead>`;
  const groupSizes = new Map();
  for (const r of rows) if (r.group) groupSizes.set(r.group, (groupSizes.get(r.group) ?? 0) + 1);
  const seenGroups = new Set();
  let resultsOpened = false;
  const body = rows
    .map((row) => {
      let labels = "";
      const isResult = resultRows.includes(row);
      if (isResult && !resultsOpened) {
        resultsOpened = true;
        labels += `<td class="label" rowspan="${resultRows.length}">三、本年度办理结果</td>`;
      }
      if (row.group) {
        if (!seenGroups.has(row.group)) {
          seenGroups.add(row.group);
          labels += `<td class="label" rowspan="${groupSizes.get(row.group)}">${escapeHtml(row.group)}</td>`;
        }
        labels += `<td class="label">${escapeHtml(row.label)}</td>`;
      } else {
        labels += `<td class="label" colspan="${isResult ? 2 : 3}">${escapeHtml(row.label)}</td>`;
      }
      const values = record.applications?.[row.key];
      return `<tr data-row="${escapeHtml(row.key)}">${labels}${columns.map((c) => cell(values ? values[c.key] : undefined, `${row.key}.${c.key}`, byCell)).join("")}</tr>`;
    })
    .join("");
  return `<table class="template" id="table-applications">${head}<tbody>${body}</tbody></table>`;
}

function reviewTable(record, template, byCell) {
  const { groups, columns } = template.reviewLitigation;
  const [review, ...litigation] = groups;
  const head = `<thead>
    <tr><th colspan="${columns.length}" rowspan="2">${escapeHtml(review.label)}</th><th colspan="${columns.length * litigation.length}">${escapeHtml(litigation[0].label.split("·")[0])}</th></tr>
    <tr>${litigation.map((g) => `<th colspan="${columns.length}">${escapeHtml(g.label.split("·")[1] ?? g.label)}</th>`).join("")}</tr>
    <tr>${groups.map(() => columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("")).join("")}</tr>
  </thead>`;
  const body = `<tr>${groups
    .map((g) => columns.map((c) => cell(record.reviewLitigation?.[g.key]?.[c.key], `${g.key}.${c.key}`, byCell)).join(""))
    .join("")}</tr>`;
  return `<table class="template" id="table-reviewLitigation">${head}<tbody>${body}</tbody></table>`;
}

const sectionOfCell = (template, edition) => {
  const appRows = new Set((template.applications.rows[edition] ?? []).map((r) => r.key));
  const groups = new Set(template.reviewLitigation.groups.map((g) => g.key));
  return (name) => {
    const row = name.slice(0, name.lastIndexOf("."));
    if (appRows.has(row)) return "applications";
    if (groups.has(row)) return "reviewLitigation";
    return "activeDisclosure";
  };
};

export async function renderReport(container, id) {
  container.innerHTML = `<p class="muted">加载中 loading…</p>`;
  let record;
  try {
    record = await getJson(`/reports/${encodeURIComponent(id)}`);
  } catch (error) {
    container.innerHTML = `<section class="card"><p class="error">${escapeHtml(error.message)}</p><a href="#/">← 返回 back</a></section>`;
    return;
  }
  const template = await getTemplate();
  const findings = (record.findings ?? []).map((f) => ownCells(f, record));
  const byCell = findingsByCell(findings);
  const errors = findings.filter((f) => f.severity === "error").length;
  const head = `<section class="card report-head">
      <div>
        <h1>${escapeHtml(record.agency ?? "（未识别机关）")} ${escapeHtml(record.year ?? "")}年度报告</h1>
        <div class="meta">模板版本 edition ${escapeHtml(record.edition ?? "—")} · parser ${escapeHtml(record.parserVersion)} · id <code>${escapeHtml(record.id)}</code></div>
        <div class="meta">来源 ${record.sources.map(sourceLabel).join("、")}</div>${ocrLine(record.ocr)}
      </div>
      <div>
        <span class="badge ${escapeHtml(record.status)}" id="report-status">${escapeHtml(record.status)}</span>
        ${errors ? `<span class="error">${errors} 处勾稽错误 errors</span>` : ""}
        ${record.agency ? `<a class="button secondary" id="agency-link" href="#/agencies/${encodeURIComponent(record.agencyId ?? record.agency)}">历年 years</a>` : ""}
        <button class="secondary" id="open-source">原文 original</button>
        <a href="#/">← 返回 back</a>
      </div>
    </section>`;
  if (!record.edition) {
    container.innerHTML = `${head}<section class="card"><p class="error">${escapeHtml(record.failure?.error ?? "")}: ${escapeHtml(record.failure?.cause ?? "no record")}</p></section>`;
  } else {
    const sectionOf = sectionOfCell(template, record.edition);
    const belongs = (section) => (f) => (f.cells?.length ? f.cells.some((c) => sectionOf(c) === section) : section === "applications" && false);
    const unplaced = (f) => !f.cells?.length;
    container.innerHTML = `${head}
      ${indicatorsSection(record)}
      ${textFindings(findings)}
      ${crossYearFindings(findings, record)}
      <section class="card"><h2>${escapeHtml(template.sectionTitles.activeDisclosure)}</h2><div class="scroll">${disclosureTable(record, template, byCell)}</div>${findingsList(findings, belongs("activeDisclosure"))}</section>
      <section class="card"><h2>${escapeHtml(template.sectionTitles.applications)}</h2><div class="scroll">${applicationsTable(record, template, byCell)}</div>${findingsList(findings, belongs("applications"))}</section>
      <section class="card"><h2>${escapeHtml(template.sectionTitles.reviewLitigation)}</h2><div class="scroll">${reviewTable(record, template, byCell)}</div>${findingsList(findings, belongs("reviewLitigation"))}</section>
      ${findings.some(unplaced) ? `<section class="card"><h2>其他发现 Other findings</h2>${findingsList(findings, unplaced)}</section>` : ""}
      ${textReuseSection(record)}
`;
    addReviewControls(container, record, () => renderReport(container, id));
  }
  if (record.edition) openSourceOnClick(container, record, template);
  // The original in the page, beside the report's head (a download for HTML and DOCX originals).
  container.querySelector("#open-source")?.addEventListener("click", () => void openOriginalPane(container.querySelector(".report-head"), record));
  return record;
}

/** `表三 （七）总计 · 自然人`: a cell named by its table, row and column labels, for the source pane's heading. */
function cellLabel(template, edition, key) {
  const dot = key.lastIndexOf(".");
  const [row, column] = [key.slice(0, dot), key.slice(dot + 1)];
  const disclosure = (template.activeDisclosure[edition] ?? []).find((item) => item.rows.some((r) => r.key === row));
  const sections = [
    ["表一", disclosure?.rows, disclosure?.columns],
    ["表三", template.applications.rows[edition], template.applications.columns],
    ["表四", template.reviewLitigation.groups, template.reviewLitigation.columns],
  ];
  for (const [table, rows, columns] of sections) {
    const rowLabel = rows?.find((r) => r.key === row)?.label;
    if (rowLabel) return `${table} ${rowLabel} · ${columns.find((c) => c.key === column)?.label ?? column}`;
  }
  return key;
}

let sourceClicks;
/**
 * A figure cell, or a finding naming cells, opens the source pane beside its section: clicked, or
 * focused (Tab) and Enter or Space pressed (one listener each: the view is drawn again per report).
 */
function openSourceOnClick(container, record, template) {
  sourceClicks?.abort();
  sourceClicks = new AbortController();
  const open = (target) => {
    const key = target.dataset.cell ?? target.dataset.cells.split(" ").find((k) => record.cellSources?.[k]) ?? target.dataset.cells.split(" ")[0];
    void openSourcePane(target.closest("section"), record, key, cellLabel(template, record.edition, key));
  };
  container.addEventListener("click", (event) => {
    const target = event.target.closest?.(SOURCE_TARGETS);
    if (target && container.contains(target)) open(target);
  }, { signal: sourceClicks.signal });
  container.addEventListener("keydown", (event) => {
    // Only on the cell or finding itself: Enter in a review form inside a finding submits the form.
    if ((event.key !== "Enter" && event.key !== " ") || !event.target.matches?.(SOURCE_TARGETS)) return;
    event.preventDefault(); // Space would scroll the page
    open(event.target);
  }, { signal: sourceClicks.signal });
}

const SOURCE_TARGETS = "td[data-cell]:not(.absent), li[data-cells]";

export { apiUrl };
