/**
 * DB text detection's post-processing (probability map → text pixels → contours → minimum-area
 * boxes → box score → unclip → boxes on the page), giving exactly the boxes of paddleocr 1.2.0's
 * `postprocessDetection` for quad boxes scored "fast" without dilation (what ./paddle.ts asks for).
 * The library finds contours with a queue of point objects and traces their borders through maps
 * keyed by strings (~45% of its time in a profile, with ~23% more in garbage collection); here the same breadth-first
 * labelling and the same border walk run on typed arrays, in the same order, so the same borders
 * (holes and diagonal pinches included) become the same contours. Each contour's box is then made
 * as the library makes it, in the same arithmetic; its hull is taken from each column's highest and
 * lowest border point (the other points lie between them, and the hull keeps only corners).
 */
import { offsetClosedPolygonRound, polygonArea, type Point } from "./clipper-offset.ts";

export type DbOptions = {
  textPixelThreshold: number;
  boxScoreThreshold: number;
  unclipRatio: number;
  maxCandidates: number;
  minimumAreaThreshold: number;
};

/** The model's map size and the page's, as the detection input was made (paddleocr's ResizeParams). */
export type DbResize = { srcWidth: number; srcHeight: number; dstWidth: number; dstHeight: number; scaleWidth: number; scaleHeight: number };

export type DbBox = { x: number; y: number; width: number; height: number; points: [Point, Point, Point, Point] };

const DB_MIN_SIZE = 3;

/** The text boxes of a DB probability map (its first channel), in the page's pixels. */
export function dbBoxes(detection: Float32Array, resize: DbResize, options: DbOptions): DbBox[] {
  const { dstWidth: width, dstHeight: height } = resize;
  const pixelCount = width * height;
  if (detection.length < pixelCount || detection.length % pixelCount !== 0) throw new Error(`Invalid DB output length: got ${detection.length} values for ${width}x${height} score maps`);
  const scoreMap = detection.subarray(0, pixelCount);
  const boxes: DbBox[] = [];
  let candidates = 0;
  forEachContour(scoreMap, width, height, options, (points) => {
    if (candidates >= options.maxCandidates) return false;
    candidates += 1;
    const box = quadBox(points, scoreMap, resize, options);
    if (box) boxes.push(box);
    return true;
  });
  return boxes;
}

/** A contour's box, as the library's postprocessQuadContour makes it, or null where it drops the contour. */
function quadBox(points: Point[], scoreMap: Float32Array, resize: DbResize, options: DbOptions): DbBox | null {
  const miniBox = getMiniBox(points);
  if (!miniBox || miniBox.shortSide < DB_MIN_SIZE) return null;
  if (boxScoreFast(scoreMap, resize.dstWidth, resize.dstHeight, miniBox.points) < options.boxScoreThreshold) return null;
  const unclipped = getMiniBox(sortedForHull(unclipPolygon(miniBox.points, options.unclipRatio)));
  if (!unclipped || unclipped.shortSide < DB_MIN_SIZE + 2) return null;
  const original = unclipped.points.map((p) => ({ x: p.x / resize.scaleWidth, y: p.y / resize.scaleHeight }));
  return pointsToBox(orderPointsClockwise(original), resize.srcWidth, resize.srcHeight);
}

/**
 * Calls `visit` with the hull candidates of each contour (each border loop of each 8-connected
 * component of text pixels, components in raster order of their first pixel), sorted by x then y,
 * until it returns false. The library's findContours and traceComponentBoundaries, on typed arrays.
 */
function forEachContour(scoreMap: Float32Array, width: number, height: number, options: DbOptions, visit: (points: Point[]) => boolean): void {
  const threshold = options.textPixelThreshold;
  const bitmap = new Uint8Array(scoreMap.length);
  for (let i = 0; i < scoreMap.length; i++) bitmap[i] = scoreMap[i]! > threshold ? 1 : 0;
  const seen = new Uint8Array(bitmap.length);
  const queue = new Int32Array(bitmap.length);
  const borders = new BorderLoops(width, height);
  for (let start = 0; start < bitmap.length; start++) {
    if (!bitmap[start] || seen[start]) continue;
    // Breadth first, the neighbours in the library's order: the order its border edges are met in.
    let head = 0;
    let tail = 0;
    let boundary = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || x === width - 1 || y === 0 || y === height - 1 || !bitmap[p - 1] || !bitmap[p + 1] || !bitmap[p - width] || !bitmap[p + width]) boundary += 1;
      for (let n = 0; n < 8; n++) {
        const nx = x + NEIGHBOUR_DX[n]!;
        const ny = y + NEIGHBOUR_DY[n]!;
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
        const q = ny * width + nx;
        if (!bitmap[q] || seen[q]) continue;
        seen[q] = 1;
        queue[tail++] = q;
      }
    }
    if (tail < options.minimumAreaThreshold || boundary < 3) continue;
    for (const points of borders.trace(bitmap, queue, tail)) if (!visit(points)) return;
  }
}

/** The library's neighbour order: left, right, up, down, then the diagonals. */
const NEIGHBOUR_DX = [-1, 1, 0, 0, -1, 1, -1, 1];
const NEIGHBOUR_DY = [0, 0, -1, 1, -1, -1, 1, 1];

/**
 * The border loops of one component: each pixel's sides that face no text pixel are directed
 * edges between pixel corners (clockwise around the pixel: top, right, bottom, left), walked into
 * loops as the library walks them (vertices in the order first met, each vertex's edges in the
 * order added, the first unwalked edge taken at a vertex two loops touch). A corner is vertex
 * y·(width+1)+x; its at most two outgoing edges are kept as direction codes.
 */
class BorderLoops {
  private readonly stride: number;
  private readonly first: Uint8Array;
  private readonly second: Uint8Array;
  private readonly walked: Uint8Array;
  private order = new Int32Array(1024);
  private readonly step: readonly number[];
  private readonly columnLow: Int32Array;
  private readonly columnHigh: Int32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.stride = width + 1;
    const vertices = (width + 1) * (height + 1);
    this.first = new Uint8Array(vertices);
    this.second = new Uint8Array(vertices);
    this.walked = new Uint8Array(vertices);
    // Directions 1..4: right, down, left, up.
    this.step = [0, 1, this.stride, -1, -this.stride];
    this.columnLow = new Int32Array(width + 1).fill(-1);
    this.columnHigh = new Int32Array(width + 1);
  }

  /** The component's loops of three or more vertices, each as its hull candidates. */
  trace(bitmap: Uint8Array, pixels: Int32Array, count: number): Point[][] {
    const { width, height, stride } = this;
    let vertices = 0;
    const add = (vertex: number, direction: number) => {
      if (this.first[vertex] === 0) {
        this.first[vertex] = direction;
        if (vertices === this.order.length) {
          const grown = new Int32Array(vertices * 2);
          grown.set(this.order);
          this.order = grown;
        }
        this.order[vertices++] = vertex;
      } else this.second[vertex] = direction;
    };
    const fg = (x: number, y: number) => x >= 0 && x < width && y >= 0 && y < height && bitmap[y * width + x] !== 0;
    for (let i = 0; i < count; i++) {
      const p = pixels[i]!;
      const x = p % width;
      const y = (p - x) / width;
      const corner = y * stride + x;
      if (!fg(x, y - 1)) add(corner, 1);
      if (!fg(x + 1, y)) add(corner + 1, 2);
      if (!fg(x, y + 1)) add(corner + stride + 1, 3);
      if (!fg(x - 1, y)) add(corner + stride, 4);
    }
    const loops: Point[][] = [];
    for (let i = 0; i < vertices; i++) {
      const vertex = this.order[i]!;
      for (const direction of [this.first[vertex]!, this.second[vertex]!]) {
        if (direction === 0 || this.walked[vertex]! & (1 << direction)) continue;
        const loop = this.walk(vertex, direction);
        if (loop) loops.push(loop);
      }
    }
    for (let i = 0; i < vertices; i++) {
      const vertex = this.order[i]!;
      this.first[vertex] = this.second[vertex] = this.walked[vertex] = 0;
    }
    if (loops.length > 0) return loops;
    // The library's fallback (never met: a component has at least four border edges): its pixels as the contour.
    const points: Point[] = [];
    for (let i = 0; i < count; i++) points.push({ x: pixels[i]! % width, y: Math.floor(pixels[i]! / width) });
    return [sortedForHull(points)];
  }

  /** Walks a loop from an edge (the library's traceBoundaryLoop); its hull candidates, or undefined below three vertices. */
  private walk(startVertex: number, startDirection: number): Point[] | undefined {
    const { stride, columnLow, columnHigh } = this;
    let length = 0;
    let [left, right] = [Infinity, -Infinity];
    let vertex = startVertex;
    let direction = startDirection;
    while (direction !== 0 && !(this.walked[vertex]! & (1 << direction))) {
      this.walked[vertex] = this.walked[vertex]! | (1 << direction);
      length += 1;
      const x = vertex % stride;
      const y = (vertex - x) / stride;
      if (columnLow[x]! < 0) {
        columnLow[x] = y;
        columnHigh[x] = y;
      } else if (y < columnLow[x]!) columnLow[x] = y;
      else if (y > columnHigh[x]!) columnHigh[x] = y;
      if (x < left) left = x;
      if (x > right) right = x;
      const end = vertex + this.step[direction]!;
      const a = this.first[end]!;
      const b = this.second[end]!;
      const next = a !== 0 && !(this.walked[end]! & (1 << a)) ? a : b !== 0 && !(this.walked[end]! & (1 << b)) ? b : 0;
      if (next !== 0 && end === startVertex && length > 1) break;
      vertex = end;
      direction = next;
    }
    const points: Point[] = [];
    for (let x = left; x <= right; x++) {
      const low = columnLow[x]!;
      if (low < 0) continue;
      points.push({ x, y: low });
      if (columnHigh[x] !== low) points.push({ x, y: columnHigh[x]! });
      columnLow[x] = -1;
    }
    return length >= 3 ? points : undefined;
  }
}

/** Points sorted by x then y, repeats dropped: what the hull works on. */
function sortedForHull(points: Point[]): Point[] {
  return [...points].sort((a, b) => (a.x === b.x ? a.y - b.y : a.x - b.x)).filter((p, i, all) => i === 0 || p.x !== all[i - 1]!.x || p.y !== all[i - 1]!.y);
}

/** The minimum-area rectangle around sorted points (the library's getMiniBox, over each hull edge's direction). */
function getMiniBox(sorted: Point[]): { points: [Point, Point, Point, Point]; shortSide: number } | null {
  if (sorted.length < 3) return null;
  const hull = convexHull(sorted);
  if (hull.length < 3) return null;
  let bestBox: [Point, Point, Point, Point] | null = null;
  let bestArea = Infinity;
  let bestShortSide = 0;
  for (let i = 0; i < hull.length; i++) {
    const current = hull[i]!;
    const next = hull[(i + 1) % hull.length]!;
    const angle = Math.atan2(next.y - current.y, next.x - current.x);
    const cos = Math.cos(-angle);
    const sin = Math.sin(-angle);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const point of hull) {
      const rotatedX = point.x * cos - point.y * sin;
      const rotatedY = point.x * sin + point.y * cos;
      minX = Math.min(minX, rotatedX);
      maxX = Math.max(maxX, rotatedX);
      minY = Math.min(minY, rotatedY);
      maxY = Math.max(maxY, rotatedY);
    }
    const width = maxX - minX;
    const height = maxY - minY;
    const area = width * height;
    if (area >= bestArea) continue;
    const corners = [
      { x: minX, y: minY },
      { x: maxX, y: minY },
      { x: maxX, y: maxY },
      { x: minX, y: maxY },
    ].map((point) => rotatePoint(point, angle));
    bestBox = orderPointsClockwise(corners);
    bestArea = area;
    bestShortSide = Math.min(width, height);
  }
  return bestBox ? { points: bestBox, shortSide: bestShortSide } : null;
}

/** Andrew's monotone chain on points sorted by x then y, collinear points dropped (the library's convexHull). */
function convexHull(sorted: Point[]): Point[] {
  if (sorted.length <= 1) return sorted;
  const lower: Point[] = [];
  for (const point of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, point) <= 0) lower.pop();
    lower.push(point);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const point = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, point) <= 0) upper.pop();
    upper.push(point);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

function rotatePoint(point: Point, angle: number): Point {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return { x: point.x * cos - point.y * sin, y: point.x * sin + point.y * cos };
}

/**
 * The mean probability inside the box (the library's boxScoreFast): pixels of the box's bounding
 * rectangle inside its polygon (corners truncated to whole pixels, edges included), summed row by row.
 */
function boxScoreFast(scoreMap: Float32Array, width: number, height: number, points: readonly Point[]): number {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const minX = Math.max(0, Math.floor(Math.min(...xs)));
  const maxX = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const minY = Math.max(0, Math.floor(Math.min(...ys)));
  const maxY = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  const n = points.length;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = Math.trunc(points[i]!.x - minX);
    py[i] = Math.trunc(points[i]!.y - minY);
  }
  let sum = 0;
  let count = 0;
  for (let y = minY; y <= maxY; y++) {
    const ly = y - minY;
    for (let x = minX; x <= maxX; x++) {
      if (!insideInclusive(x - minX, ly, px, py, n)) continue;
      sum += scoreMap[y * width + x]!;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

/** The library's isPointInPolygonInclusive on coordinate arrays: on an edge counts as inside, else even-odd crossings. */
function insideInclusive(x: number, y: number, px: Float64Array, py: Float64Array, n: number): boolean {
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [cx, cy, qx, qy] = [px[i]!, py[i]!, px[j]!, py[j]!];
    // On the segment from the previous corner (q) to this one (c).
    const area = (cx - qx) * (y - qy) - (cy - qy) * (x - qx);
    if (Math.abs(area) <= 1e-6 && x >= Math.min(qx, cx) - 1e-6 && x <= Math.max(qx, cx) + 1e-6 && y >= Math.min(qy, cy) - 1e-6 && y <= Math.max(qy, cy) + 1e-6) return true;
    if (cy > y !== qy > y && x < ((qx - cx) * (y - cy)) / (qy - cy) + cx) inside = !inside;
  }
  return inside;
}

function unclipPolygon(points: Point[], unclipRatio: number): Point[] {
  const area = Math.abs(polygonArea(points));
  const perimeter = polygonPerimeter(points);
  if (area <= 0 || perimeter <= 0) return points;
  return offsetClosedPolygonRound(points, (area * unclipRatio) / perimeter);
}

function polygonPerimeter(points: readonly Point[]): number {
  let perimeter = 0;
  for (let i = 0; i < points.length; i++) {
    const current = points[i]!;
    const next = points[(i + 1) % points.length]!;
    perimeter += Math.hypot(current.x - next.x, current.y - next.y);
  }
  return perimeter;
}

function orderPointsClockwise(points: Point[]): [Point, Point, Point, Point] {
  const [leftA, leftB, rightA, rightB] = [...points].sort((a, b) => a.x - b.x) as [Point, Point, Point, Point];
  const topLeft = leftB.y > leftA.y ? leftA : leftB;
  const bottomLeft = leftB.y > leftA.y ? leftB : leftA;
  const topRight = rightB.y > rightA.y ? rightA : rightB;
  const bottomRight = rightB.y > rightA.y ? rightB : rightA;
  return [topLeft, topRight, bottomRight, bottomLeft];
}

function pointsToBox(points: [Point, Point, Point, Point], imageWidth: number, imageHeight: number): DbBox | null {
  const maxPx = Math.max(0, imageWidth - 1);
  const maxPy = Math.max(0, imageHeight - 1);
  const clipped = points.map((p) => ({ x: Math.max(0, Math.min(maxPx, Math.round(p.x))), y: Math.max(0, Math.min(maxPy, Math.round(p.y))) })) as [Point, Point, Point, Point];
  const rectWidth = Math.trunc(Math.hypot(clipped[0].x - clipped[1].x, clipped[0].y - clipped[1].y));
  const rectHeight = Math.trunc(Math.hypot(clipped[0].x - clipped[3].x, clipped[0].y - clipped[3].y));
  if (!(rectWidth > DB_MIN_SIZE && rectHeight > DB_MIN_SIZE)) return null;
  const minX = Math.floor(Math.min(...clipped.map((p) => p.x)));
  const maxX = Math.ceil(Math.max(...clipped.map((p) => p.x)));
  const minY = Math.floor(Math.min(...clipped.map((p) => p.y)));
  const maxY = Math.ceil(Math.max(...clipped.map((p) => p.y)));
  const width = Math.min(imageWidth - minX, maxX - minX);
  const height = Math.min(imageHeight - minY, maxY - minY);
  if (width <= 0 || height <= 0) return null;
  return { x: minX, y: minY, width, height, points: clipped };
}

function cross(origin: Point, a: Point, b: Point): number {
  return (a.x - origin.x) * (b.y - origin.y) - (a.y - origin.y) * (b.x - origin.x);
}
