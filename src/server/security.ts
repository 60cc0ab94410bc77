import type { IncomingMessage, ServerResponse } from 'node:http';

/** The page may load only its own scripts, styles, images and API: nothing remote. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // No 'unsafe-inline': React and Konva set styles through the CSSOM (element.style), which CSP
  // allows; the build has no <style> element or style="" attribute (checked in Chromium).
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * Requests must name this server in Host (a DNS-rebinding page names its own domain), and a
 * browser's Origin, when sent, must be this server's own origin (no cross-site calls).
 */
export function sameOriginRequest(req: IncomingMessage, allowedHosts: ReadonlySet<string>): boolean {
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

export function allowedHostHeaders(boundHost: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (boundHost !== '0.0.0.0' && boundHost !== '::') hosts.add(`${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${port}`);
  return hosts;
}
