// A reviewer's control on each error finding of the report view (POST /reports/{id}/reviews):
// 原文印错 misprint (the figure stays, the finding counts as the body's error) or 误读 misread
// (the figure the page shows, kept as a correction beside our reading). Added after the view is
// drawn, so the view itself stays as it is.
import { escapeHtml, postJson } from "./api.js";

function reviewForm(finding) {
  const cells = (finding.cells ?? []).map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`).join("");
  return `<details class="review"><summary>复核 review</summary>
    <form class="review-form">
      <label>单元格 cell <select name="cell">${cells}</select></label>
      <label><input type="radio" name="verdict" value="misprint" checked> 原文印错 misprint</label>
      <label><input type="radio" name="verdict" value="misread"> 误读 misread，页面上的数字 <input name="value" type="number" step="any" inputmode="decimal"></label>
      <label>理由 reason <input name="reason" required maxlength="1000" placeholder="例：原文第 3 页印 19"></label>
      <button type="submit">提交复核 submit</button>
      <span class="review-error error" role="alert"></span>
    </form></details>`;
}

/** What the API says of a cell: `已确认原文印错` or `已更正为 19（原读 0）`. */
function reviewNote(review) {
  if (!review) return "";
  const who = `${escapeHtml(review.reviewer)}，${escapeHtml(review.at.slice(0, 10))}`;
  if (review.verdict === "misprint") return `已确认原文印错（${who}）`;
  if (review.agreedBy) return `新版解析已读对（${escapeHtml(review.agreedBy)}）`;
  return `已更正为 ${escapeHtml(review.value)}（原读 ${escapeHtml(review.read)}；${who}）`;
}

/**
 * Adds the review control to every error finding listed in `container` (its `<li value>` is the
 * finding's place in `record.findings`, 1-based); `onReviewed` redraws the view after a review.
 */
export function addReviewControls(container, record, onReviewed) {
  for (const item of container.querySelectorAll("ol.findings li.error")) {
    const finding = record.findings?.[Number(item.getAttribute("value")) - 1];
    if (!finding || finding.related || !finding.cells?.length) continue;
    const note = (finding.cells ?? []).map((c) => reviewNote(record.reviews?.[c])).filter(Boolean).join("；");
    item.insertAdjacentHTML("beforeend", `${note ? ` <span class="review-note">${note}</span>` : ""}${reviewForm(finding)}`);
    const form = item.querySelector("form.review-form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const verdict = data.get("verdict");
      const value = String(data.get("value") ?? "").trim();
      const payload = { cell: data.get("cell"), finding: finding.rule, verdict, reason: String(data.get("reason") ?? "") };
      if (verdict === "misread" && value !== "") payload.value = Number(value);
      try {
        await postJson(`/reports/${encodeURIComponent(record.id)}/reviews`, payload);
        await onReviewed();
      } catch (error) {
        form.querySelector(".review-error").textContent = error.message;
      }
    });
  }
}
