/**
 * Injected (esbuild `inject`) at the top of Lambda bundles that read PDFs.
 *
 * pdf.js builds a DOMMatrix when its module initialises. Node has no DOMMatrix; locally pdf.js
 * borrows one from the native @napi-rs/canvas addon, which the Lambda bundles leave out (an x64
 * binary that esbuild cannot bundle). Reading text layers needs only the matrix maths, which this
 * pure-JS implementation provides. Set only where no DOMMatrix exists.
 */
import CSSMatrix from "@thednp/dommatrix";

const scope = globalThis as { DOMMatrix?: unknown };
scope.DOMMatrix ??= CSSMatrix;
