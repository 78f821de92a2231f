/**
 * Which methods each registered path answers. Fastify's router only knows "no route for this method",
 * which it reports as 404; JAX-RS distinguishes an unknown path (404) from a known path asked with the
 * wrong method (405, with an `Allow` header), and answers OPTIONS on known paths. This table lets the
 * not-found handler tell those apart.
 */
export class RouteTable {
  readonly #routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  /** Records a route as Fastify registers it (`/connectors/:connector/config`, `/docs/static/*`). */
  add(methods: string | string[], url: string): void {
    const source = toPattern(url);
    let route = this.#routes.find((r) => r.pattern.source === source);
    if (route === undefined) this.#routes.push((route = { pattern: new RegExp(source), methods: new Set() }));
    for (const method of [methods].flat()) route.methods.add(method.toUpperCase());
  }

  /** Methods allowed on a request path (raw, query string included or not), sorted; empty when unknown. */
  allowedMethods(url: string): string[] {
    let path = url.split('?', 1)[0];
    // the router ignores one trailing slash (`ignoreTrailingSlash`), so must we
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const methods = new Set<string>();
    for (const route of this.#routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function toPattern(url: string): string {
  const segments = url.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  const path = segments.join('/');
  return `^${path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path}$`;
}
