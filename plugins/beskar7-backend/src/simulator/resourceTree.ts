import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Resource = Record<string, any>;

/**
 * The Redfish resources of one simulated BMC, by path. Lookups ignore case
 * and trailing slashes, as real BMCs do (iLO links `/redfish/v1/systems/1/bios/`
 * next to `/redfish/v1/Systems/1`).
 */
export class ResourceTree {
  private readonly resources = new Map<string, Resource>();

  static key(path: string): string {
    const clean = path.split(/[?#]/, 1)[0].replace(/\/+$/, '');
    return clean.toLowerCase();
  }

  get(path: string): Resource | undefined {
    return this.resources.get(ResourceTree.key(path));
  }

  has(path: string): boolean {
    return this.resources.has(ResourceTree.key(path));
  }

  set(path: string, resource: Resource): void {
    this.resources.set(ResourceTree.key(path), resource);
  }

  delete(path: string): void {
    this.resources.delete(ResourceTree.key(path));
  }

  /** Resources whose `@odata.type` names the given schema, e.g. `VirtualMedia`. */
  ofType(schema: string): Resource[] {
    const pattern = new RegExp(`^#${schema}\\.`);
    return [...this.resources.values()].filter(r =>
      pattern.test(String(r['@odata.type'] ?? '')),
    );
  }

  /** A deep copy, so that several BMCs can start from the same tree. */
  clone(): ResourceTree {
    const copy = new ResourceTree();
    for (const [key, value] of this.resources) {
      copy.resources.set(key, structuredClone(value));
    }
    return copy;
  }
}

/**
 * Loads a tree in DMTF mockup "short form": `<dir>/<path>/index.json` is the
 * body of `/redfish/v1/<path>`. For tests; the product generates its trees.
 */
export function loadMockupTree(dir: string): ResourceTree {
  const tree = new ResourceTree();
  const walk = (relative: string) => {
    const full = join(dir, relative);
    for (const name of readdirSync(full)) {
      const child = join(full, name);
      if (statSync(child).isDirectory()) {
        walk(relative ? `${relative}/${name}` : name);
      } else if (name === 'index.json') {
        const path = relative ? `/redfish/v1/${relative}` : '/redfish/v1';
        tree.set(path, JSON.parse(readFileSync(child, 'utf8')));
      }
    }
  };
  walk('');
  return tree;
}
