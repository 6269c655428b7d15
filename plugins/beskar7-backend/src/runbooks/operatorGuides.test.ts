import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCEDURES } from './procedures';
import { toRunbookSummary } from './summary';

const repository = join(__dirname, '..', '..', '..', '..');
const read = (path: string) => readFileSync(join(repository, path), 'utf8');

/** Every guide the issue asks for; troubleshooting covers every runbook. */
const GUIDES = [
  'deployment',
  'maintenance',
  'backup-recovery',
  'scaling',
  'security',
  'performance',
  'troubleshooting',
].map(name => `docs/${name}.md`);

describe('operator guides', () => {
  it.each(PROCEDURES.map(p => [p.id, p] as const))(
    '%s links to a guide section that links back to it',
    (id, procedure) => {
      const link = toRunbookSummary(procedure).operatorGuide;
      expect(link?.title).toBeTruthy();
      const [file, anchor] = (link?.path ?? '').split('#');
      expect(GUIDES).toContain(file);
      const guide = read(file);
      expect(guide).toContain(`<a id="${anchor}"></a>`);
      expect(guide).toContain(`(/beskar7/runbooks/${id})`);
    },
  );

  it('ships every guide, and troubleshooting names every runbook', () => {
    expect(GUIDES.filter(file => !existsSync(join(repository, file)))).toEqual(
      [],
    );
    const troubleshooting = read('docs/troubleshooting.md');
    expect(
      PROCEDURES.map(p => p.id).filter(
        id => !troubleshooting.includes(`(/beskar7/runbooks/${id})`),
      ),
    ).toEqual([]);
  });

  it('links only to runbooks that exist', () => {
    const ids = new Set(PROCEDURES.map(p => p.id));
    const unknown = GUIDES.flatMap(file =>
      [...read(file).matchAll(/\(\/beskar7\/runbooks\/([a-z0-9-]+)\)/g)]
        .map(match => match[1])
        .filter(id => !ids.has(id))
        .map(id => `${file}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });
});
