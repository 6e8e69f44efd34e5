/**
 * The web page's Content-Security-Policy, one definition for CloudFront and the local server:
 * the page's own files only for script, style, fonts and images (Chart.js draws on canvas;
 * data: for the icon), calls only to `connect` (the API, Cognito, S3), no framing, no plug-ins.
 */
export function contentSecurityPolicy(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ["connect-src 'self'", ...connect].join(" "),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** What the page calls in the cloud: this region's API Gateway, Cognito and S3 endpoints. */
export function cloudConnectSources(region: string): string[] {
  return [
    `https://*.execute-api.${region}.amazonaws.com`,
    `https://*.auth.${region}.amazoncognito.com`,
    `https://cognito-identity.${region}.amazonaws.com`,
    `https://*.s3.${region}.amazonaws.com`,
    `https://s3.${region}.amazonaws.com`,
  ];
}

/** What the page calls on the local stack: the API (same origin) and s3rver on loopback. */
export const LOCAL_CONNECT_SOURCES = ["http://127.0.0.1:*", "http://localhost:*"] as const;
