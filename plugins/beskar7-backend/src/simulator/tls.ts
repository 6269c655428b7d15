import { generate } from 'selfsigned';

export interface SimTlsMaterial {
  key: string;
  cert: string;
  /** The certificate again, as the CA bundle a client verifies it with. */
  ca: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day. */
export async function generateSimulatorCertificate(): Promise<SimTlsMaterial> {
  const now = new Date();
  const pems = await generate(
    [{ name: 'commonName', value: 'beskar7-bmc-simulator' }],
    {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: new Date(now.getTime() + 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          keyCertSign: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    },
  );
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}
