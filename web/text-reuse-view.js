// The report's prose against the body's report of the year before (textReuse of GET /reports/{id}):
// each section's text with the passages found in last year's text marked, and the report's
// indicators, each with its formula.
import { escapeHtml } from "./api.js";

const SECTIONS = [
  ["overview", "一、总体情况"],
  ["problems", "五、存在的主要问题及改进情况"],
  ["other", "六、其他需要报告的事项"],
];

const pct = (share) => `${(share * 100).toFixed(1)}%`;

/** A section's text with the reused `[start, end)` spans wrapped in <mark class="reused">. */
export function markedText(text, spans) {
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += escapeHtml(text.slice(at, start)) + `<mark class="reused">${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  return (out + escapeHtml(text.slice(at))).replace(/\n/g, "<br>");
}

/** The card of the reused passages; nothing when the report has no earlier year to compare with. */
export function textReuseSection(record) {
  const reuse = record.textReuse;
  if (!reuse) return "";
  const texts = record.sectionTexts ?? {};
  const sections = SECTIONS.filter(([key]) => reuse.sections?.[key] && texts[key])
    .map(([key, title]) => {
      const section = reuse.sections[key];
      return `<div class="reuse-section" data-section="${escapeHtml(key)}" data-share="${escapeHtml(section.share)}">
        <h3>${escapeHtml(title)} <span class="muted">与上年重复 ${pct(section.share)}</span></h3>
        <p class="prose">${markedText(texts[key], section.spans ?? [])}</p></div>`;
    })
    .join("");
  return `<section class="card" id="text-reuse" data-overall="${escapeHtml(reuse.overall)}">
    <h2>与上年报告重复的文字 Text reused from last year</h2>
    <div class="meta">与 <a href="#/reports/${escapeHtml(reuse.previousReportId)}">${escapeHtml(reuse.previousYear)} 年报告</a> 相比，
      正文 <b id="reuse-overall">${pct(reuse.overall)}</b> 的文字见于上年报告（<mark class="reused">标出</mark>的段落）· ${escapeHtml(reuse.method)}</div>
    ${sections}</section>`;
}

/** One indicator as a value with its formula (and the figures it is computed from) always beside it. */
export function indicatorLine(key, indicator) {
  const value = indicator.value === null ? "—" : pct(indicator.value);
  return `<div class="kpi indicator" data-indicator="${escapeHtml(key)}"><b>${value}</b>
    <span class="formula">${escapeHtml(indicator.formula)}</span>
    <span>${escapeHtml(indicator.numerator)} ÷ ${escapeHtml(indicator.denominator)}</span></div>`;
}

export function indicatorsSection(record) {
  if (!record.indicators) return "";
  return `<section class="card" id="indicators"><h2>指标 Indicators</h2><div class="kpis">${Object.entries(record.indicators)
    .map(([key, indicator]) => indicatorLine(key, indicator))
    .join("")}</div></section>`;
}
