// The upload box: hash the file (its SHA-256 is the report id), ask the API for a presigned
// POST, send the file straight to the bucket, then watch GET /reports/{id}/progress move
// through the workflow's steps (上传 → 提取 → 识别 for scans → 解析校验 → 保存 → 完成) until the
// record is stored, and show its status.
import { ApiError, escapeHtml, getJson, postJson } from "./api.js";

const POLL_MS = 500;
const GIVE_UP_MS = 5 * 60 * 1000;

/** The steps drawn, in workflow order: "Upload" is the browser's own, the rest the workflow's. */
const STEPS = [
  { step: "Upload", label: "上传 Upload" },
  { step: "Extract", label: "提取 Extract" },
  { step: "Ocr", label: "识别 OCR", onlyIfReached: true },
  { step: "Parse", label: "解析校验 Parse" },
  { step: "Store", label: "保存 Store" },
  { step: "Done", label: "完成 Done" },
];

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function postForm(ticket, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", ticket.url);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`the bucket answered ${xhr.status}`)));
    xhr.onerror = () => reject(new Error("the upload could not reach the bucket"));
    xhr.send(form);
  });
}

const seconds = (ms) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/**
 * Each drawn step's state (todo, current, done, failed, skipped) and duration, from what the
 * page measured (the upload) and what the workflow marked (`progress`, server times: a
 * step's duration is the gap to the next mark, the running one's is timed by this page).
 */
export function describeSteps(state, now = Date.now()) {
  const { progress } = state;
  const marks = new Map((progress?.steps ?? []).map((m) => [m.step, Date.parse(m.at)]));
  const failedAfter = marks.has("RecordFailure");
  const reached = [...marks.keys()].filter((s) => s !== "RecordFailure");
  // The step that failed: the last one reached (Extract when it failed before naming the report).
  const failedStep = failedAfter ? (reached.at(-1) ?? "Extract") : undefined;
  const nextMarkAfter = (step) => {
    const order = (progress?.steps ?? []).map((m) => m.step);
    const next = order[order.indexOf(step) + 1];
    return next ? marks.get(next) : undefined;
  };
  return STEPS.filter((s) => !s.onlyIfReached || marks.has(s.step)).map(({ step, label }) => {
    if (step === "Upload") {
      const ended = state.uploadedAt ?? (state.uploadStartedAt ? now : undefined);
      const status = state.uploadedAt ? "done" : state.uploadStartedAt ? (state.error ? "failed" : "current") : "todo";
      return { step, label, state: status, ms: state.uploadStartedAt ? ended - state.uploadStartedAt : undefined };
    }
    if (step === "Done") {
      if (progress?.done) return { step, label, state: progress.status === "FAILED" ? "failed" : "done" };
      return { step, label, state: "todo" };
    }
    if (step === failedStep) {
      const next = marks.has(step) ? nextMarkAfter(step) : undefined;
      return { step, label, state: "failed", ms: next !== undefined ? next - marks.get(step) : undefined };
    }
    if (!marks.has(step)) {
      // Finished without this step: the workflow failed before it (or the record predates the marks).
      if (progress?.done) return { step, label, state: failedAfter || progress.status === "FAILED" ? "skipped" : "done" };
      // Uploaded, and the workflow has not marked anything yet: it is starting on Extract.
      if (step === "Extract" && state.uploadedAt && marks.size === 0) return { step, label, state: "current", ms: now - state.uploadedAt };
      return { step, label, state: "todo" };
    }
    const next = nextMarkAfter(step);
    if (next !== undefined || progress?.done) {
      const end = next ?? (progress?.finishedAt ? Date.parse(progress.finishedAt) : undefined);
      return { step, label, state: "done", ms: end !== undefined ? end - marks.get(step) : undefined };
    }
    const since = state.currentSince?.step === step ? state.currentSince.at : now;
    return { step, label, state: "current", ms: now - since };
  });
}

function renderItem(li, state) {
  const { name, stage, status, progress, id, message } = state;
  const now = Date.now();
  const badge = status
    ? `<span class="badge ${escapeHtml(status)}" data-status="${escapeHtml(status)}">${escapeHtml(status)}</span>`
    : `<span class="badge PENDING">${escapeHtml(stage)}</span>`;
  const bar = state.uploadProgress !== undefined && state.uploadProgress < 1 ? `<progress max="1" value="${state.uploadProgress}"></progress>` : "";
  const link = status && id ? ` <a href="#/reports/${id}" class="open-report">查看 open</a>` : "";
  const elapsed = state.startedAt ? `<span class="elapsed" title="elapsed">${seconds((state.finishedAt ?? now) - state.startedAt)}</span>` : "";
  const steps = state.uploadStartedAt
    ? `<ol class="steps">${describeSteps(state, now)
        .map(
          (s) =>
            `<li class="step ${s.state}" data-step="${s.step}" data-state="${s.state}"${s.state === "current" ? ' aria-current="step"' : ""}>${escapeHtml(s.label)}${
              s.ms !== undefined ? ` <small>${seconds(s.ms)}</small>` : ""
            }</li>`,
        )
        .join("")}</ol>`
    : "";
  const note = progress?.done && (progress.steps ?? []).length === 0 ? `<span class="note">已有记录 already recorded</span>` : "";
  li.innerHTML = `<div class="upload-head"><span class="name" title="${escapeHtml(name)}">${escapeHtml(name)}</span>${bar}<span>${badge}${link} ${elapsed}</span></div>${steps}${note}${
    message ? `<span class="error">${escapeHtml(message)}</span>` : ""
  }`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function uploadOne(file, list, onRecord) {
  const li = document.createElement("li");
  li.className = "upload";
  list.prepend(li);
  const state = { name: file.name, stage: "计算摘要 hashing", startedAt: Date.now() };
  const show = (patch = {}) => renderItem(li, Object.assign(state, patch));
  show();
  try {
    const bytes = await file.arrayBuffer();
    const id = await sha256Hex(bytes);
    li.dataset.reportId = id;
    show({ id, stage: "请求上传 requesting" });
    const ticket = await postJson("/uploads", {
      fileName: file.name,
      sha256: id,
      size: file.size,
      contentType: file.type || "application/octet-stream",
    });
    show({ stage: "上传中 uploading", uploadProgress: 0, uploadStartedAt: Date.now() });
    await postForm(ticket, file, (p) => show({ uploadProgress: p }));
    show({ stage: "处理中 processing", uploadProgress: 1, uploadedAt: Date.now() });
    const progressPath = ticket.progressPath ?? `/reports/${id}/progress`;
    const started = Date.now();
    for (;;) {
      try {
        const progress = await getJson(progressPath);
        const current = progress.current;
        // The running step is timed from when this page first saw it.
        if (current && state.currentSince?.step !== current) state.currentSince = { step: current, at: Date.now() };
        show({ progress, stage: current && current !== "Done" ? `处理中 ${current}` : state.stage });
        if (progress.done) {
          const record = await getJson(ticket.statusPath);
          show({ status: record.status, finishedAt: Date.now(), message: record.failure ? record.failure.cause : undefined });
          onRecord?.(record);
          return;
        }
      } catch (error) {
        // 404 until Extract has read the upload.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        show();
      }
      if (Date.now() - started > GIVE_UP_MS) throw new Error("no record after 5 minutes");
      await sleep(POLL_MS);
    }
  } catch (error) {
    show({ stage: "失败 failed", error: true, finishedAt: Date.now(), message: error.message });
  }
}

export function setUpUpload({ input, zone, list, onRecord }) {
  const handle = (files) => {
    for (const file of files) void uploadOne(file, list, onRecord);
  };
  input.addEventListener("change", () => {
    handle([...input.files]);
    input.value = "";
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    handle([...e.dataTransfer.files]);
  });
}
