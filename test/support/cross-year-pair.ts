/**
 * Two generated reports of one agency for consecutive years whose carry-over and documents
 * in force agree (as test/report/cross-year.test.ts builds them), and their texts.
 */
import fc from "fast-check";
import { renderText, type Figures } from "../fixtures/render-text.ts";
import { consistentFigures } from "../report/arbitraries.ts";

/** A consistent 2021-edition pair: year two carries over what year one carried forward. */
export function consistentPair(seed: number, agency: string, firstYear: number): [Figures, Figures] {
  const [a, b] = fc.sample(consistentFigures.filter((f) => f.edition === "2021"), { numRuns: 2, seed });
  const first: Figures = { ...structuredClone(a!), agency, year: firstYear };
  const second: Figures = { ...structuredClone(b!), agency, year: firstYear + 1 };
  const forward = first.applications.carriedForward!;
  const over = second.applications.carriedOver!;
  const received = second.applications.newReceived!;
  const onward = second.applications.carriedForward!;
  for (const col of Object.keys(forward)) {
    // Keep year two's own identity (新收 + 上年结转 = 办理结果 + 结转下年度) with no negative cell:
    // more carried over is carried forward again, less carried over is received instead.
    const delta = forward[col]! - over[col]!;
    if (delta >= 0) onward[col] = onward[col]! + delta;
    else received[col] = received[col]! - delta;
    over[col] = forward[col]!;
  }
  for (const row of ["rules", "normativeDocuments"]) {
    const now = second.activeDisclosure[row]!;
    const before = first.activeDisclosure[row]!.inForce!;
    now.repealed = Math.min(now.repealed!, before + now.issued!);
    now.inForce = before + now.issued! - now.repealed;
  }
  return [first, second];
}

/**
 * Breaks the carry-over in `columns` by `delta` (> 0), keeping the report's own identity
 * (上年结转 + 新收 = 办理结果 + 结转下年度: both sides grow by `delta`), so only the
 * cross-year check can see it.
 */
export function breakCarryOver(figures: Figures, columns: string[], delta: number): Figures {
  const out = structuredClone(figures);
  for (const col of columns) {
    out.applications.carriedOver![col]! += delta;
    out.applications.carriedForward![col]! += delta;
  }
  return out;
}

/** The report as the text layout of a web page (`|` rows). */
export const reportText = (figures: Figures): string => renderText(figures, "pipes");
