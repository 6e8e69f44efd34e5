/**
 * A bounded reader of ZIP archives (DOCX packages): it reads the central directory once,
 * then inflates single entries as streams that stop at a cap, so a zip bomb costs at most
 * the cap in memory and never the declared (or undeclared) inflated size.
 */
import yauzl from "yauzl";
import { UnreadableDocumentError } from "../../shared/errors.ts";
import { formatBytes, type ExtractLimits } from "../limits.ts";

export type ZipLimits = Pick<
  ExtractLimits,
  "maxEntryBytes" | "maxTotalUncompressedBytes" | "maxCompressionRatio" | "ratioFloorBytes" | "maxArchiveEntries"
>;

export class SafeZip {
  private totalRead = 0;

  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly limits: ZipLimits,
  ) {}

  /** Opens an archive held in memory; throws UnreadableDocumentError if it is damaged or oversized. */
  static async open(bytes: Uint8Array, limits: ZipLimits): Promise<SafeZip> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
    } catch (error) {
      throw new UnreadableDocumentError(
        "文件已损坏或不完整，无法作为 ZIP/DOCX 打开 (the file is damaged or truncated: its ZIP structure cannot be read)",
        { cause: error },
      );
    }
    if (zip.entryCount > limits.maxArchiveEntries) {
      zip.close();
      throw new UnreadableDocumentError(
        `压缩包内文件过多（${zip.entryCount} 个），拒绝读取 (the archive lists ${zip.entryCount} entries, more than the ${limits.maxArchiveEntries} allowed)`,
      );
    }
    const entries = await new Promise<Map<string, yauzl.Entry>>((resolve, reject) => {
      const found = new Map<string, yauzl.Entry>();
      zip.on("entry", (entry: yauzl.Entry) => {
        // Part names are case-insensitive in OPC; keep the first of duplicates.
        const key = entry.fileName.replace(/^\/+/, "").toLowerCase();
        if (!found.has(key)) found.set(key, entry);
        zip.readEntry();
      });
      zip.once("end", () => resolve(found));
      zip.once("error", reject);
      zip.readEntry();
    }).catch((error: unknown) => {
      zip.close();
      throw new UnreadableDocumentError(
        "文件已损坏，ZIP 目录无法读取 (the file is damaged: the ZIP directory cannot be read)",
        { cause: error },
      );
    });
    return new SafeZip(zip, entries, limits);
  }

  /** Whether the archive holds a part (case-insensitive, without a leading slash). */
  has(name: string): boolean {
    return this.entries.has(name.replace(/^\/+/, "").toLowerCase());
  }

  /** Names of the parts, as stored. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.fileName);
  }

  /** Reads one part, inflating it with a streaming cap; throws UnreadableDocumentError on a bomb or damage. */
  async read(name: string): Promise<Uint8Array> {
    const entry = this.entries.get(name.replace(/^\/+/, "").toLowerCase());
    if (!entry) throw new UnreadableDocumentError(`文件缺少 ${name} (the package has no part ${name})`);
    this.checkDeclaredSize(entry);
    if (entry.isEncrypted()) {
      throw new UnreadableDocumentError(`文件已加密，无法读取 (the part ${entry.fileName} is encrypted)`);
    }
    const cap = Math.min(this.limits.maxEntryBytes, this.limits.maxTotalUncompressedBytes - this.totalRead);
    let stream: NodeJS.ReadableStream & { destroy(error?: Error): void };
    try {
      stream = (await this.zip.openReadStreamPromise(entry)) as typeof stream;
    } catch (error) {
      throw new UnreadableDocumentError(`文件已损坏，无法解压 ${entry.fileName} (the part ${entry.fileName} cannot be decompressed)`, {
        cause: error,
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > cap) {
          stream.destroy();
          reject(bombError(entry.fileName, cap));
          return;
        }
        chunks.push(chunk);
      });
      stream.once("end", () => resolve());
      stream.once("error", (error: Error) => {
        const tooBig = /too many bytes|too large/i.test(error.message);
        reject(
          tooBig
            ? bombError(entry.fileName, cap, error)
            : new UnreadableDocumentError(
                `文件已损坏，无法解压 ${entry.fileName} (the part ${entry.fileName} is damaged: ${error.message})`,
                { cause: error },
              ),
        );
      });
    });
    this.totalRead += size;
    return Buffer.concat(chunks, size);
  }

  close(): void {
    this.zip.close();
  }

  private checkDeclaredSize(entry: yauzl.Entry): void {
    const { uncompressedSize, compressedSize } = entry;
    if (uncompressedSize > this.limits.maxEntryBytes) throw bombError(entry.fileName, this.limits.maxEntryBytes);
    if (this.totalRead + uncompressedSize > this.limits.maxTotalUncompressedBytes) {
      throw bombError(entry.fileName, this.limits.maxTotalUncompressedBytes - this.totalRead);
    }
    if (uncompressedSize > this.limits.ratioFloorBytes && uncompressedSize > compressedSize * this.limits.maxCompressionRatio) {
      const ratio = Math.round(uncompressedSize / Math.max(compressedSize, 1));
      throw new UnreadableDocumentError(
        `文件疑似“压缩炸弹”：${entry.fileName} 压缩比 ${ratio}:1，拒绝解压 (suspected zip bomb: ${entry.fileName} would inflate ${ratio}-fold, from ${formatBytes(compressedSize)} to ${formatBytes(uncompressedSize)})`,
      );
    }
  }
}

function bombError(name: string, cap: number, cause?: unknown): UnreadableDocumentError {
  return new UnreadableDocumentError(
    `文件疑似“压缩炸弹”：${name} 解压后超过 ${formatBytes(cap)}，拒绝读取 (suspected zip bomb: ${name} inflates to more than ${formatBytes(cap)})`,
    cause === undefined ? undefined : { cause },
  );
}
