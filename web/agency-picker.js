// The filter's body search: part of a name (简体 or 繁體) and a province → city → county picker
// narrow the registry of bodies (GET /agencies); choosing a body filters the list by its agencyId.
import { escapeHtml, getJson } from "./api.js";

const LEVEL_LABEL = { province: "省级", city: "市级", county: "县级", town: "乡镇级" };

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Fills `select` with the divisions under `parent` ("" the provinces; null leaves it empty and disabled). */
export async function fillSelect(select, parent, placeholder) {
  select.innerHTML = `<option value="">${placeholder}</option>`;
  select.disabled = parent === null;
  if (parent === null) return;
  const { items } = await getJson("/regions", parent ? { parent } : {});
  select.insertAdjacentHTML("beforeend", items.map((d) => `<option value="${escapeHtml(d.code)}" data-level="${d.level}">${escapeHtml(d.name)}</option>`).join(""));
  select.disabled = items.length === 0;
}

/** The region code prefix the three selects name: 32, 3208 or 320813 (none when nothing is picked). */
export function regionPrefix(province, city, county) {
  if (county) return county;
  if (city) return city.slice(0, 4);
  if (province) return province.slice(0, 2);
  return "";
}

/**
 * Wires the search box, the three selects and the result list inside `form`; `onChange` runs
 * when a body is chosen or cleared (the hidden `agency` field holds its id).
 */
export function setUpAgencyPicker(form, onChange) {
  const search = form.querySelector("#agency-search");
  const hidden = form.querySelector('input[name="agency"]');
  const [province, city, county] = ["#region-province", "#region-city", "#region-county"].map((s) => form.querySelector(s));
  const results = form.querySelector("#agency-results");
  const chosen = form.querySelector("#agency-chosen");

  const region = () => regionPrefix(province.value, city.value, county.value);
  const lookUp = async () => {
    const q = search.value.trim();
    if (!q && !region()) {
      results.innerHTML = "";
      return;
    }
    try {
      const { items } = await getJson("/agencies", { ...(q ? { q } : {}), ...(region() ? { region: region() } : {}), limit: 20 });
      results.innerHTML = items.length
        ? items
            .map(
              (b) => `<li><button type="button" class="link" data-id="${escapeHtml(b.id)}" data-name="${escapeHtml(b.name)}">${escapeHtml(b.name)}</button>
              <span class="muted">${escapeHtml(LEVEL_LABEL[b.level] ?? "")} ${escapeHtml(b.region?.code ?? "地区未识别")} · ${b.years.map(escapeHtml).join("、")}</span></li>`,
            )
            .join("")
        : `<li class="muted">没有匹配的机关 No body matches</li>`;
    } catch (error) {
      results.innerHTML = `<li class="error">${escapeHtml(error.message)}</li>`;
    }
  };
  const choose = (id, name) => {
    hidden.value = id;
    chosen.hidden = !id;
    chosen.querySelector("span").textContent = name;
    results.innerHTML = "";
    onChange();
  };

  search.addEventListener("input", debounce(lookUp, 250));
  results.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-id]");
    if (button) choose(button.dataset.id, button.dataset.name);
  });
  chosen.querySelector("button").addEventListener("click", () => choose("", ""));
  province.addEventListener("change", async () => {
    await fillSelect(city, province.value || null, "市 city");
    await fillSelect(county, null, "县 county");
    await lookUp();
  });
  city.addEventListener("change", async () => {
    await fillSelect(county, city.value && city.selectedOptions[0]?.dataset.level === "city" ? city.value : null, "县 county");
    await lookUp();
  });
  county.addEventListener("change", lookUp);
  form.addEventListener("reset", () => {
    hidden.value = "";
    chosen.hidden = true;
    results.innerHTML = "";
    void fillSelect(city, null, "市 city");
    void fillSelect(county, null, "县 county");
  });
  void fillSelect(province, "", "省 province");
  void fillSelect(city, null, "市 city");
  void fillSelect(county, null, "县 county");
}
