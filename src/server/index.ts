export { startWebServer, type WebServer, type WebServerOptions } from './web-server';
export { newToken, tokenMatches } from './token';
export { CONTENT_SECURITY_POLICY } from './security';
