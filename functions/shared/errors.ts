/**
 * Errors that cross a boundary (CLI exit codes, Step Functions Retry/Catch, HTTP status).
 * Each sets `name` (the state machine matches on it) and keeps `cause`.
 */
export class NianbaoError extends Error {
  /** Whether retrying the same input may succeed (throttling, timeouts). */
  readonly retryable: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NianbaoError";
  }
}

/** The input cannot be read as a document: empty, corrupt, encrypted, wrong type, too large. */
export class UnreadableDocumentError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnreadableDocumentError";
  }
}

/**
 * The document's content is pictures (a scan) and this step was given no OCR engine: the
 * workflow's Ocr step reads it. Named like its parent, so a scan that no engine can read
 * fails as an unreadable document.
 */
export class OcrRequiredError extends UnreadableDocumentError {}

/** The document was read but is not a government information disclosure annual report. */
export class NotAnnualReportError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotAnnualReportError";
  }
}

/** A page cursor that no page of this query handed out (forged, damaged, or from another filter). */
export class InvalidCursorError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidCursorError";
  }
}

/** A dependency is busy or slow (Textract throttling, DynamoDB throughput, OCR timeout): retry later. */
export class TransientError extends NianbaoError {
  override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TransientError";
  }
}

/** A handler received an event that does not match its schema (a wiring bug: never retried). */
export class InvalidEventError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidEventError";
  }
}

/**
 * A reader of this installation could not start (PDFium's WebAssembly missing or failing to
 * load): the fault is the installation's, not the file's, which was not read at all.
 */
export class ReaderUnavailableError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReaderUnavailableError";
  }
}
