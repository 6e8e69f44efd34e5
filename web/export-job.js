// A file export of any size (POST /exports): the job is started with the list's filters and
// polled until its file is ready, the records written so far shown as it goes. For a large
// selection, where /export.csv and /export.xlsx (answered inline) would be refused as too big.
// Imports nothing: the page passes the API calls in (so tests can load this module on its own).

/** The filters POST /exports accepts, from the list's form fields (the year as a number). */
export function toExportFilters(fields) {
  const filters = {};
  for (const key of ["agency", "year", "status", "edition"]) {
    const value = String(fields[key] ?? "").trim();
    if (value) filters[key] = key === "year" ? Number(value) : value;
  }
  return filters;
}

/** What the status line says of a job: its state in Chinese and the records written. */
export function describeExportJob(job) {
  if (job.state === "QUEUED") return "导出任务已排队…";
  if (job.state === "RUNNING") return `正在导出：已写入 ${job.written} 份报告…`;
  if (job.state === "DONE") return `导出完成：共 ${job.written} 份报告（${(job.download.bytes / 1024 / 1024).toFixed(1)} MB）`;
  return `导出失败：${job.failure ?? "原因不明"}`;
}

/** Polls `statusPath` every `intervalMs` until DONE or FAILED, telling `onJob` each answer. */
async function follow(getJson, statusPath, onJob, intervalMs) {
  for (;;) {
    const job = await getJson(statusPath);
    onJob(job);
    if (job.state === "DONE" || job.state === "FAILED") return job;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Wires the button: `filters()` gives the form's fields, `format` the chosen format's select. */
export function setUpExportJob({ button, format, status, filters, postJson, getJson, intervalMs = 1000 }) {
  const say = (text, link, failed = false) => {
    status.hidden = false;
    status.classList.toggle("error", failed);
    status.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link.url;
      a.textContent = ` 下载 ${link.fileName}`;
      a.id = "export-job-download";
      status.append(a);
    }
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const started = await postJson("/exports", { format: format.value, filters: toExportFilters(filters()) });
      say(describeExportJob(started));
      const job = await follow(getJson, started.statusPath, (j) => say(describeExportJob(j)), intervalMs);
      say(describeExportJob(job), job.download, job.state === "FAILED");
    } catch (error) {
      say(`导出失败：${error.message}`, null, true);
    } finally {
      button.disabled = false;
    }
  });
}
