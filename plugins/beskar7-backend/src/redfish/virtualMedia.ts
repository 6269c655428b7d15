import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { RedfishClient } from './client';
import { RedfishHttpError, RedfishUnsupportedError } from './errors';
import { imageOf, Resource } from './odata';
import { VirtualMediaStatus } from './types';

export function mediaStatusOf(
  path: string,
  device: Resource,
): VirtualMediaStatus {
  const image = imageOf(device.Image);
  return {
    devicePath: path,
    inserted: device.Inserted === true && !!image,
    image,
  };
}

export async function readMedia(
  client: RedfishClient,
  path: string,
): Promise<VirtualMediaStatus> {
  return mediaStatusOf(path, await client.get(path));
}

/**
 * Mounts an image, ejecting whatever is mounted first; a device reported
 * busy is ejected and the insert tried once more. Read back to confirm.
 */
export async function insertMedia(
  client: RedfishClient,
  path: string,
  imageUrl: string,
  quirks: VendorQuirks,
): Promise<VirtualMediaStatus> {
  const device = await client.get(path);
  const current = mediaStatusOf(path, device);
  if (current.inserted && current.image === imageUrl) {
    return current;
  }
  if (current.inserted) {
    await ejectDevice(client, path, device, quirks);
  }
  try {
    await insertDevice(client, path, device, imageUrl, quirks);
  } catch (e) {
    if (!isInUse(e)) {
      throw e;
    }
    await ejectDevice(client, path, device, quirks);
    await insertDevice(client, path, device, imageUrl, quirks);
  }
  const readBack = await readMedia(client, path);
  if (!readBack.inserted || readBack.image !== imageUrl) {
    throw new RedfishUnsupportedError(
      client.address,
      `virtual media ${path} does not show the inserted image after the insert`,
    );
  }
  return readBack;
}

export async function ejectMedia(
  client: RedfishClient,
  path: string,
  quirks: VendorQuirks,
): Promise<VirtualMediaStatus> {
  const device = await client.get(path);
  if (mediaStatusOf(path, device).inserted) {
    await ejectDevice(client, path, device, quirks);
  }
  const readBack = await readMedia(client, path);
  if (readBack.inserted) {
    throw new RedfishUnsupportedError(
      client.address,
      `virtual media ${path} still shows an image after the eject`,
    );
  }
  return readBack;
}

function usesPatch(
  device: Resource,
  quirks: VendorQuirks,
  action: string,
): boolean {
  const mount = quirks.virtualMedia?.mount ?? 'auto';
  return (
    mount === 'patch' || (mount === 'auto' && !device.Actions?.[action]?.target)
  );
}

async function insertDevice(
  client: RedfishClient,
  path: string,
  device: Resource,
  imageUrl: string,
  quirks: VendorQuirks,
): Promise<void> {
  if (usesPatch(device, quirks, '#VirtualMedia.InsertMedia')) {
    await client.patch(path, { Image: imageUrl, Inserted: true });
    return;
  }
  const action = device.Actions['#VirtualMedia.InsertMedia'];
  const body: Resource = {
    Image: imageUrl,
    ...quirks.virtualMedia?.insertParameters,
  };
  const protocols = action['TransferProtocolType@Redfish.AllowableValues'];
  const protocol = transferProtocolOf(imageUrl);
  if (
    protocol &&
    ((Array.isArray(protocols) && protocols.includes(protocol)) ||
      quirks.virtualMedia?.alwaysSendTransferProtocol)
  ) {
    body.TransferProtocolType = protocol;
  }
  await client.post(action.target, body);
}

async function ejectDevice(
  client: RedfishClient,
  path: string,
  device: Resource,
  quirks: VendorQuirks,
): Promise<void> {
  if (usesPatch(device, quirks, '#VirtualMedia.EjectMedia')) {
    await client.patch(path, { Image: null, Inserted: false });
    return;
  }
  await client.post(device.Actions['#VirtualMedia.EjectMedia'].target, {});
}

const TRANSFER_PROTOCOLS: Record<string, string> = {
  http: 'HTTP',
  https: 'HTTPS',
  nfs: 'NFS',
  smb: 'CIFS',
  cifs: 'CIFS',
};

function transferProtocolOf(url: string): string | undefined {
  return TRANSFER_PROTOCOLS[url.split(':', 1)[0].toLowerCase()];
}

/** BMCs say "busy" as 409 or as a 400/500 whose message mentions it. */
function isInUse(e: unknown): boolean {
  if (!(e instanceof RedfishHttpError)) {
    return false;
  }
  return (
    e.status === 409 ||
    e.messages.some(m =>
      /in use|already (inserted|attached|mounted|connected)|busy/i.test(m),
    )
  );
}
