import { describe, expect, it } from "vitest";
import { decodeCtc, figureClasses } from "../../../functions/documents/ocr/ctc-decode.ts";

/** A small character list in the model's order: class k is characters[k - 1], class 0 the blank. */
const characters = ["O", "0", "l", "1", "〇", "5", "规", ".", ",", "-", "５"];
const classOf = (ch: string) => characters.indexOf(ch) + 1;

/** A model output: one row of probabilities per step, given as the classes that are not near 0. */
function output(steps: Record<string, number>[]) {
  const classes = characters.length + 1;
  const probs = new Float32Array(steps.length * classes).fill(0.0001);
  steps.forEach((step, t) => {
    for (const [ch, p] of Object.entries(step)) probs[t * classes + (ch === "blank" ? 0 : classOf(ch))] = p;
  });
  return { probs, steps: steps.length, classes };
}

describe("CTC decoding held to a figure's characters", () => {
  const allowed = figureClasses(characters);

  it("takes digits, point, comma and minus (full-width digits as ASCII), and nothing else", () => {
    expect([...allowed.values()].sort()).toEqual([",", "-", ".", "0", "1", "5", "5"]);
    expect(allowed.get(classOf("５"))).toBe("5");
    expect(allowed.has(classOf("O"))).toBe(false);
  });

  it("reads a letter-like confusion (l, O, 〇) as the digit the model ranks first among figures", () => {
    const steps = output([
      { l: 0.7, "1": 0.2, blank: 0.1 },
      { blank: 0.9, l: 0.1 },
      { O: 0.8, "0": 0.15, blank: 0.05 },
      { O: 0.6, blank: 0.4 }, // the same character over two steps is one character
      { blank: 0.95 },
      { "〇": 0.5, "0": 0.1, "5": 0.05, blank: 0.35 },
    ]);
    const { free, figure } = decodeCtc(steps, characters, allowed);
    expect(free.text).toBe("lO〇");
    expect(figure.text).toBe("100");
    // Each reading's confidence is the mean probability of what it kept.
    expect(free.confidence).toBeCloseTo((0.7 + 0.8 + 0.5) / 3, 5);
    expect(figure.confidence).toBeCloseTo((0.2 + 0.15 + 0.1) / 3, 5);
  });

  it("adds no character where the model sees none, and keeps repeated digits apart across a blank", () => {
    const steps = output([{ "1": 0.9 }, { blank: 0.6, "0": 0.3 }, { "1": 0.8 }, { "1": 0.8 }, { blank: 0.99 }]);
    expect(decodeCtc(steps, characters, allowed)).toEqual({ free: { text: "11", confidence: expect.closeTo(0.85, 5) }, figure: { text: "11", confidence: expect.closeTo(0.85, 5) } });
  });

  it("gives a label's characters almost no weight as a figure, and an empty output as nothing", () => {
    const label = decodeCtc(output([{ 规: 0.99 }]), characters, allowed);
    expect(label.free).toEqual({ text: "规", confidence: expect.closeTo(0.99, 5) });
    expect(label.figure.confidence).toBeLessThan(0.001);
    expect(decodeCtc(output([{ blank: 0.99 }, { blank: 0.99 }]), characters, allowed)).toEqual({ free: { text: "", confidence: 0 }, figure: { text: "", confidence: 0 } });
  });
});
