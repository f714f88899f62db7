/**
 * The console's browser files, bundled by `npm run build` (scripts/build-console.ts) into
 * dist/console/: read once, on first request, and kept in memory (a few hundred KiB).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/console, from dist/src/console/assets.js. */
export const ASSETS_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface Asset {
  type: string;
  body: Buffer;
}

export class Assets {
  private files: Map<string, Asset> | undefined;

  constructor(private readonly dir = ASSETS_DIR) {}

  /** Whether the bundle was built (its page exists). */
  get built(): boolean {
    return this.load().has('index.html');
  }

  /** The file of that name in dist/console, if any. */
  get(name: string): Asset | undefined {
    return this.load().get(name);
  }

  private load(): Map<string, Asset> {
    if (this.files !== undefined) return this.files;
    const files = new Map<string, Asset>();
    try {
      for (const name of readdirSync(this.dir)) {
        const type = TYPES[extname(name)];
        if (type !== undefined) files.set(name, { type, body: readFileSync(join(this.dir, name)) });
      }
    } catch {
      // Not built: answered 503 by the caller, tried again on the next request.
      return files;
    }
    this.files = files;
    return files;
  }
}
