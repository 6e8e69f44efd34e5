/**
 * ONNX Runtime's threads for the PaddleOCR engines a test builds itself, read as the stack and the
 * CLI read them (NIANBAO_OCR_THREADS; vitest.config.ts sets 1, as two test files share two cores).
 */
import { readConfig } from "../../functions/shared/config.ts";

export const TEST_OCR_THREADS = readConfig().NIANBAO_OCR_THREADS ?? 1;
