/*
 * Checks a BMC with the plugin's own Redfish client before its vendor is
 * enrolled, and prints check by check what works. Usage (repository root):
 *
 *   yarn bmc:check --url https://bmc.example --username admin \
 *     --password-file ./bmc-password [--ca-file ca.pem | --insecure] \
 *     [--timeout <seconds>] [--system <id>] \
 *     [--write --system <id> --image <iso url>]
 *
 * Read-only unless --write: then it also mounts the image, sets a boot
 * override, powers the named system on (or restarts it), ejects, clears the
 * override and powers it off. The password is read from the file and never
 * printed. Exits 1 when a check failed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkBmc } from '../src/redfish/bmcCheck';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      username: { type: 'string' },
      'password-file': { type: 'string' },
      'ca-file': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '10' },
      system: { type: 'string' },
      write: { type: 'boolean', default: false },
      image: {
        type: 'string',
        default: 'https://images.invalid/bmc-check.iso',
      },
    },
  });
  const missing = ['url', 'username', 'password-file'].filter(
    k => !values[k as keyof typeof values],
  );
  if (missing.length || (values.write && !values.system)) {
    process.stderr.write(
      `bmc:check needs ${[
        ...missing.map(k => `--${k}`),
        ...(values.write && !values.system ? ['--system with --write'] : []),
      ].join(', ')}\n`,
    );
    return 2;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    process.stderr.write(
      'bmc:check: --timeout must be a positive number of seconds\n',
    );
    return 2;
  }
  const password = readFileSync(values['password-file']!, 'utf8').trim();
  const results = await checkBmc(
    values.url!,
    { username: values.username!, password },
    {
      insecureSkipVerify: values.insecure,
      timeoutMs: timeoutSeconds * 1000,
      caBundle: values['ca-file']
        ? readFileSync(values['ca-file'], 'utf8')
        : undefined,
      systemId: values.system,
      write: values.write
        ? { systemId: values.system!, imageUrl: values.image! }
        : undefined,
    },
    r =>
      process.stdout.write(
        `${r.ok ? 'ok  ' : 'FAIL'}  ${r.check}: ${r.detail}\n`,
      ),
  );
  return results.every(r => r.ok) ? 0 : 1;
}

main().then(
  code => process.exit(code),
  error => {
    process.stderr.write(`bmc:check failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
