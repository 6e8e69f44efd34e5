/**
 * Regions of an ink mask copied onto one sheet, so that one OCR run reads many cells.
 */
export type Crop = { left: number; top: number; width: number; height: number };

export type CropSheet = { width: number; height: number; ink: Uint8Array; slots: Crop[] };

/**
 * Copies regions of an ink mask onto one sheet, each in its own slot with wide margins, so that a
 * single OCR run reads them all and every word found falls in the slot of the region it came from.
 */
export function cropSheet(source: { width: number; height: number; ink: Uint8Array }, crops: readonly Crop[], columns = 6): CropSheet {
  const slotWidth = Math.max(1, ...crops.map((c) => c.width)) + 80;
  const slotHeight = Math.max(1, ...crops.map((c) => c.height)) + 60;
  const rows = Math.ceil(crops.length / columns);
  const width = slotWidth * Math.min(columns, Math.max(1, crops.length));
  const height = slotHeight * Math.max(1, rows);
  const ink = new Uint8Array(width * height);
  const slots: Crop[] = [];
  crops.forEach((crop, i) => {
    const sx = (i % columns) * slotWidth + 40;
    const sy = Math.floor(i / columns) * slotHeight + 30;
    for (let y = 0; y < crop.height; y += 1) {
      const from = (crop.top + y) * source.width + crop.left;
      ink.set(source.ink.subarray(from, from + crop.width), (sy + y) * width + sx);
    }
    slots.push({ left: (i % columns) * slotWidth, top: Math.floor(i / columns) * slotHeight, width: slotWidth, height: slotHeight });
  });
  return { width, height, ink, slots };
}
