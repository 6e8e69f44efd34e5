/**
 * In-memory stand-ins for the adapters' interfaces, for tests that call a step's `run<Step>`
 * (or a handler built with `create<Step>Handler`) directly: no AWS, no local stack.
 *
 * @example
 * const objects = new MemoryObjects();
 * const result = await runParse(input, { objects, progress: new RecordingProgress(), artifactsBucket: "artifacts" });
 */
import type { Notification, Notifier } from "../../functions/adapters/notifier.ts";
import type { ObjectInfo, ObjectStore } from "../../functions/adapters/object-store.ts";
import type { ProgressStep, ProgressStore, ReportProgress } from "../../functions/adapters/progress-store.ts";
import type { FailureWrite, ParsedWrite, RecordStore, StoredReport, WriteOutcome } from "../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import type { StartedExecution, WorkflowStarter } from "../../functions/adapters/workflow-starter.ts";
import type { AgencyRegistry, Body, RegistryEntry } from "../../functions/adapters/agency-registry.ts";
import { fromStoredList, toStoredList, type BodyListStore } from "../../functions/adapters/body-lists.ts";
import type { ExpectedList } from "../../functions/report/coverage.ts";
import { bodyMatches, fullestName, kindOf, levelOf, nameForms, searchForm } from "../../functions/report/body.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Buckets as one map of `bucket/key` to bytes. */
export class MemoryObjects implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  async getBytes(bucket: string, key: string) {
    const bytes = this.objects.get(`${bucket}/${key}`);
    if (!bytes) throw new Error(`no object ${bucket}/${key}`);
    return bytes;
  }
  async getJson<T>(bucket: string, key: string) {
    return JSON.parse(decoder.decode(await this.getBytes(bucket, key))) as T;
  }
  async putJson(bucket: string, key: string, value: unknown) {
    this.objects.set(`${bucket}/${key}`, encoder.encode(JSON.stringify(value)));
  }
  async putOriginal(bucket: string, key: string, body: Uint8Array) {
    if (this.objects.has(`${bucket}/${key}`)) return "exists" as const;
    this.objects.set(`${bucket}/${key}`, body);
    return "created" as const;
  }
  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const bytes = this.objects.get(`${bucket}/${key}`);
    return bytes && { key, size: bytes.length };
  }
  async list() {
    return [];
  }
  /** Puts text or bytes under `bucket/key` (a test's upload). */
  put(bucket: string, key: string, body: string | Uint8Array): void {
    this.objects.set(`${bucket}/${key}`, typeof body === "string" ? encoder.encode(body) : body);
  }
}

/** Keeps every mark as `<reportId>:<step>`. */
export class RecordingProgress implements ProgressStore {
  readonly marks: string[] = [];
  async mark(reportId: string, step: ProgressStep) {
    this.marks.push(`${reportId}:${step}`);
  }
  async get(): Promise<ReportProgress | undefined> {
    return undefined;
  }
}

/**
 * A record with only the keys a test of the table looks at, typed as the record of the contract
 * (the store writes whatever record it is given; Parse is where records are checked).
 */
export const partialRecord = (fields: Record<string, unknown>): ReportRecord => fields as unknown as ReportRecord;

/** Keeps the writes it is asked for; the first write of a report writes, later ones do not. */
export class RecordingRecords implements RecordStore {
  readonly parsed: ParsedWrite[] = [];
  readonly failures: FailureWrite[] = [];
  async putParsed(write: ParsedWrite): Promise<WriteOutcome> {
    this.parsed.push(write);
    return { written: true, sourceAdded: true, status: write.status } as WriteOutcome;
  }
  async putFailure(write: FailureWrite): Promise<WriteOutcome> {
    this.failures.push(write);
    return { written: true, sourceAdded: true, status: "FAILED" } as WriteOutcome;
  }
  async get(): Promise<StoredReport | undefined> {
    return undefined;
  }
  async list() {
    return [];
  }
}

/** Keeps what it publishes. */
export class RecordingNotifier implements Notifier {
  readonly published: Notification[] = [];
  async publish(notification: Notification) {
    this.published.push(notification);
  }
}

/** Keeps the executions it starts; `fail` makes a start throw (throttling). */
export class RecordingWorkflow implements WorkflowStarter {
  readonly started: { name: string; input: unknown }[] = [];
  constructor(private readonly fail?: (input: unknown) => boolean) {}
  async start(name: string, input: unknown): Promise<StartedExecution> {
    if (this.fail?.(input)) throw new Error("throttled");
    this.started.push({ name, input });
    return { executionArn: `arn:${name}`, alreadyStarted: false };
  }
}

/** The registry of bodies in memory, matching names as the DynamoDB registry does. */
export class MemoryRegistry implements AgencyRegistry {
  readonly bodies = new Map<string, Body>();
  async recordReport(entry: RegistryEntry) {
    const body = this.bodies.get(entry.agencyId) ?? {
      id: entry.agencyId,
      name: entry.agency,
      names: [],
      region: entry.region,
      level: levelOf(entry.agency, entry.region),
      kind: kindOf(entry.agency),
      years: [],
      reports: [],
    };
    if (!body.names.includes(entry.agency)) body.names = [...body.names, entry.agency].sort();
    body.name = fullestName(body.names)!;
    if (!body.years.includes(entry.year)) body.years = [...body.years, entry.year].sort((a, b) => a - b);
    if (!body.reports.some((r) => r.reportId === entry.reportId)) body.reports = [...body.reports, { year: entry.year, reportId: entry.reportId }];
    this.bodies.set(entry.agencyId, body);
  }
  async list(filter: { q?: string; region?: string }, options: { limit: number }) {
    const items = [...this.bodies.values()].filter((b) => (b.region?.code ?? "000000").startsWith(filter.region ?? "") && (filter.q === undefined || bodyMatches(filter.q, b.names, b.region)));
    return { items: items.slice(0, options.limit) };
  }
  async get(id: string) {
    return this.bodies.get(id) ?? null;
  }
  async findByName(name: string) {
    const wanted = searchForm(name);
    return [...this.bodies.values()].filter((b) => nameForms(b.names, b.region).includes(wanted));
  }
}

/** Imported lists of bodies in memory, kept in their stored form as the DynamoDB store keeps them. */
export class MemoryBodyLists implements BodyListStore {
  readonly stored = new Map<string, ReturnType<typeof toStoredList>>();
  async put(list: ExpectedList) {
    this.stored.set(list.scope, toStoredList(list));
  }
  async all() {
    return [...this.stored.values()].map(fromStoredList);
  }
}
