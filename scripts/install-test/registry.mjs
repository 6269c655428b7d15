// An npm registry for the packed tarballs, so that the README's own
// `yarn add @beskar7/...` lines install them in the test app exactly as they
// would from npmjs.com once published. It serves the npm registry protocol's
// two requests (package document, tarball) for the packages in one folder and
// answers 404 for every other name; yarn asks it for the @beskar7 scope only.
//
//   node registry.mjs <folder of .tgz> <file to write the URL to>
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [folder, urlFile] = process.argv.slice(2);

/** package.json of a tarball: the first `package/package.json` entry of the tar. */
function readManifest(tgz) {
  const tar = gunzipSync(tgz);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .toString('utf8', offset, offset + 100)
      .replace(/\0.*$/s, '');
    const size =
      parseInt(tar.toString('utf8', offset + 124, offset + 136), 8) || 0;
    if (!name) break;
    if (name === 'package/package.json') {
      return JSON.parse(
        tar.toString('utf8', offset + 512, offset + 512 + size),
      );
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('no package/package.json in tarball');
}

const packages = new Map();
for (const file of readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const path = join(folder, file);
  const tgz = readFileSync(path);
  const manifest = readManifest(tgz);
  const published = statSync(path).mtime.toISOString();
  packages.set(manifest.name, { file, path, manifest, tgz, published });
}

const server = createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '');
  const tarball = url.match(/^-\/tarballs\/(.+)$/);
  if (tarball) {
    const entry = [...packages.values()].find(p => p.file === tarball[1]);
    if (!entry) return notFound(res);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return res.end(entry.tgz);
  }
  const entry = packages.get(url);
  if (!entry || req.method !== 'GET') return notFound(res);
  const { manifest, tgz, file, published } = entry;
  const base = `http://${req.headers.host}`;
  const body = {
    name: manifest.name,
    'dist-tags': { latest: manifest.version },
    time: {
      created: published,
      modified: published,
      [manifest.version]: published,
    },
    versions: {
      [manifest.version]: {
        ...manifest,
        dist: {
          tarball: `${base}/-/tarballs/${encodeURIComponent(file)}`,
          shasum: createHash('sha1').update(tgz).digest('hex'),
          integrity: `sha512-${createHash('sha512')
            .update(tgz)
            .digest('base64')}`,
        },
      },
    },
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  return res.end(JSON.stringify(body));
});

function notFound(res) {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}

server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  writeFileSync(urlFile, url);
  console.log(`registry for ${[...packages.keys()].join(', ')} at ${url}`);
});
