/**
 * Parser versions ("1.0.0", "1.10.2-beta") as keys that sort like the versions do, so
 * DynamoDB can compare them in a condition (`#order < :order`) and selection can pick the
 * records an older parser made. Pure module.
 */

const WIDTH = 6;

/**
 * A string whose lexicographic order is the version order: numeric parts are zero-padded.
 *
 * @example
 * toVersionOrder("1.10.0") > toVersionOrder("1.9.3") // true
 */
export function toVersionOrder(version: string): string {
  return version
    .split(/[.+-]/)
    .map((part) => (/^\d+$/.test(part) ? part.padStart(WIDTH, "0") : part))
    .join(".");
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const x = toVersionOrder(a);
  const y = toVersionOrder(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
