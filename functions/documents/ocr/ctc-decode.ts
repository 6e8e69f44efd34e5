/**
 * CTC greedy decoding of a text-recognition model's output (steps × classes probabilities, class 0
 * the blank), two ways from the same output: free, over every character, and held to a figure's
 * characters. A table's value cell holds digits, `-`, `.`, `,` or nothing, so where a cell is a value
 * cell its crop is read the second way: the model's probabilities are masked to those characters
 * (an `O` the model is sure of becomes its most likely digit), rather than its text edited after.
 */

export type Reading = { text: string; confidence: number };

export type CtcOutput = { probs: Float32Array; steps: number; classes: number };

/** The characters a figure may hold, and the full-width digits the model may give for them (read as ASCII). */
const FIGURE_CHARACTER = /^[0-9.,\-０-９]$/;

/** The classes (1-based: class 0 is the blank) of a character list that a figure may hold, each with its character. */
export function figureClasses(characters: readonly string[]): Map<number, string> {
  const classes = new Map<number, string>();
  characters.forEach((ch, i) => {
    if (FIGURE_CHARACTER.test(ch)) classes.set(i + 1, ch.replace(/[０-９]/, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
  });
  return classes;
}

/** The most likely class of one step, over all classes. */
function bestClass(probs: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k += 1) if (probs[row + k]! > probs[row + best]!) best = k;
  return best;
}

/**
 * Decodes the output twice. Free: each step's most likely class, repeats merged, blanks dropped
 * (PaddleOCR's own decoding). Figure: the same steps hold a character (a step whose most likely
 * class is the blank holds none, so the mask never invents or drops a character), and each takes
 * the most likely class among `allowed` instead. Each reading's confidence is the mean probability
 * of the classes it kept; a reading with no character is empty at confidence 0.
 */
export function decodeCtc(output: CtcOutput, characters: readonly string[], allowed: ReadonlyMap<number, string>): { free: Reading; figure: Reading } {
  const { probs, steps, classes } = output;
  const free = { text: "", scores: [] as number[], last: 0 };
  const figure = { text: "", scores: [] as number[], last: 0 };
  for (let t = 0; t < steps; t += 1) {
    const row = t * classes;
    const best = bestClass(probs, row, classes);
    if (best !== 0 && best !== free.last) {
      free.text += characters[best - 1] ?? "";
      free.scores.push(probs[row + best]!);
    }
    free.last = best;
    let pick = 0;
    if (best !== 0) {
      let score = -1;
      for (const k of allowed.keys()) if (probs[row + k]! > score) [pick, score] = [k, probs[row + k]!];
    }
    if (pick !== 0 && pick !== figure.last) {
      figure.text += allowed.get(pick)!;
      figure.scores.push(probs[row + pick]!);
    }
    figure.last = pick;
  }
  const reading = (r: { text: string; scores: number[] }): Reading => ({ text: r.text, confidence: r.scores.length ? r.scores.reduce((a, b) => a + b, 0) / r.scores.length : 0 });
  return { free: reading(free), figure: reading(figure) };
}
