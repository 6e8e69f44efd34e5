// The upload box: hash the file (its SHA-256 is the report id), ask the API for a presigned
// POST, send the file straight to the bucket, then poll GET /reports/{id} until the
// pipeline has written the record and show its status.
import { ApiError, escapeHtml, getJson, postJson } from "./api.js";

const POLL_MS = 1000;
const GIVE_UP_MS = 5 * 60 * 1000;

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

function renderItem(li, { name, stage, status, progress, id, message }) {
  const badge = status
    ? `<span class="badge ${escapeHtml(status)}" data-status="${escapeHtml(status)}">${escapeHtml(status)}</span>`
    : `<span class="badge PENDING">${escapeHtml(stage)}</span>`;
  const bar = progress !== undefined && progress < 1 ? `<progress max="1" value="${progress}"></progress>` : "";
  const link = status && id ? ` <a href="#/reports/${id}" class="open-report">查看 open</a>` : "";
  li.innerHTML = `<span class="name" title="${escapeHtml(name)}">${escapeHtml(name)}</span>${bar}<span>${badge}${link}</span>${
    message ? `<span class="error">${escapeHtml(message)}</span>` : ""
  }`;
}

async function uploadOne(file, list, onRecord) {
  const li = document.createElement("li");
  li.className = "upload";
  list.prepend(li);
  const state = { name: file.name, stage: "计算摘要 hashing" };
  const show = (patch) => renderItem(li, Object.assign(state, patch));
  show({});
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
    show({ stage: "上传中 uploading", progress: 0 });
    await postForm(ticket, file, (p) => show({ progress: p }));
    show({ stage: "处理中 processing", progress: 1 });
    const started = Date.now();
    for (;;) {
      try {
        const record = await getJson(ticket.statusPath);
        show({ status: record.status, message: record.failure ? record.failure.cause : undefined });
        onRecord?.(record);
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      if (Date.now() - started > GIVE_UP_MS) throw new Error("no record after 5 minutes");
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (error) {
    show({ stage: "失败 failed", message: error.message });
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
