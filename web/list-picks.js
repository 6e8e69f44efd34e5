// Reports picked from the list for the side-by-side view: a check box on each row (any years,
// any agencies, across filters and pages), the count, and a link to #/compare?reports=….
import { escapeHtml } from "./api.js";

/** What GET /compare takes. */
const MIN_PICKS = 2;
const MAX_PICKS = 10;
const picked = new Map();

/** The row's check box; a FAILED report has no figures to compare. */
export function pickCell(item) {
  const failed = item.status === "FAILED";
  const name = `${item.agency ?? "（未识别）"} ${item.year ?? ""}`.trim();
  return `<td class="pick"><input type="checkbox" class="pick-report" data-id="${escapeHtml(item.id)}" data-name="${escapeHtml(name)}"
    aria-label="选择比较 ${escapeHtml(name)}"${picked.has(item.id) ? " checked" : ""}${failed ? ' disabled title="失败的报告没有数字可比较"' : ""}></td>`;
}

function showPicks(bar) {
  const count = picked.size;
  const link = bar.querySelector("#compare-picked");
  const ready = count >= MIN_PICKS && count <= MAX_PICKS;
  bar.querySelector("#pick-count").textContent = String(count);
  bar.querySelector("#pick-names").textContent = [...picked.values()].join("、");
  link.classList.toggle("disabled", !ready);
  link.setAttribute("aria-disabled", String(!ready));
  link.href = ready ? `#/compare?reports=${[...picked.keys()].join(",")}` : "#/";
  bar.querySelector("#pick-hint").textContent = count > MAX_PICKS ? `最多 ${MAX_PICKS} 份` : count < MIN_PICKS ? `至少选 ${MIN_PICKS} 份` : "";
  bar.querySelector("#pick-clear").hidden = count === 0;
}

/** Wires the list's check boxes (`tbody`) to the bar that counts them and links the comparison. */
export function setUpPicks(tbody, bar) {
  tbody.addEventListener("change", (e) => {
    const box = e.target.closest("input.pick-report");
    if (!box) return;
    if (box.checked) picked.set(box.dataset.id, box.dataset.name);
    else picked.delete(box.dataset.id);
    showPicks(bar);
  });
  bar.querySelector("#compare-picked").addEventListener("click", (e) => {
    if (e.currentTarget.getAttribute("aria-disabled") === "true") e.preventDefault();
  });
  bar.querySelector("#pick-clear").addEventListener("click", () => {
    picked.clear();
    for (const box of tbody.querySelectorAll("input.pick-report:checked")) box.checked = false;
    showPicks(bar);
  });
  showPicks(bar);
}
