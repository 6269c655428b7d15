import { Resource, ResourceTree } from './resourceTree';
import { noContent, redfishError, SimResponse } from './responses';
import { BootFetch, bootConfigUrls, fetchBootConfig } from './bootConfig';
import { COMMON_RESET_TYPES } from './layouts';

/** One boot of the simulated machine: what it booted from. */
export interface BootRecord {
  at: number;
  target: string;
  uefiTarget?: string;
  /** Image in the CD device at boot time. */
  media?: string;
  biosAttributes: Record<string, unknown>;
  /**
   * What the booted OS fetched through its kernel parameters (when the
   * machine fetches boot configuration); filled in as the fetches end.
   */
  fetched?: BootFetch[];
}

const BOOT_PROPERTIES = new Set([
  'BootSourceOverrideTarget',
  'BootSourceOverrideEnabled',
  'BootSourceOverrideMode',
  'UefiTargetBootSourceOverride',
  'BootNext',
  'BootOrder',
]);

/** What a system whose capture lists no ResetType values accepts. */
const STANDARD_RESET_TYPES = [
  ...COMMON_RESET_TYPES,
  'PushPowerButton',
  'PowerCycle',
];

const key = ResourceTree.key;

/**
 * The state behind a simulated BMC's resources: power with a delay, boot
 * override consumed by a boot, virtual media, pending BIOS settings. State
 * is kept in the resources themselves, so GETs show it.
 */
export class SimulatedMachine {
  readonly boots: BootRecord[] = [];
  readonly systemPath: string;
  /**
   * A boot from media fetches what the kernel parameters point at (UEFI
   * target or BIOS attributes), as the OS's installer would.
   */
  fetchBootConfig = false;
  private powerTimer?: NodeJS.Timeout;
  private readonly mediaByInsert = new Map<string, string>();
  private readonly mediaByEject = new Map<string, string>();
  private readonly mediaDevices = new Set<string>();
  /** Bios path -> settings object path (or the Bios itself when it has none). */
  private readonly biosSettings = new Map<string, string>();

  constructor(
    private readonly tree: ResourceTree,
    public powerDelayMs = 0,
    /** The ComputerSystem this machine is; the first of the collection by default. */
    systemPath?: string,
    /** Accepts a one-time boot override but keeps it as Continuous. */
    private readonly onceBecomesContinuous = false,
    /**
     * Refuses a Boot PATCH that leaves out BootSourceOverrideTarget (or
     * BootSourceOverrideMode, where the system has one), as some services do.
     */
    private readonly wholeBootPatch = false,
  ) {
    const members = systemPaths(tree);
    this.systemPath = systemPath ?? members[0] ?? '/redfish/v1/Systems/1';
    // Resources under another system belong to that system's machine.
    const others = members
      .filter(p => key(p) !== key(this.systemPath))
      .map(p => `${key(p)}/`);
    const mine = (path: string) => !others.some(o => key(path).startsWith(o));
    for (const device of tree.ofType('VirtualMedia')) {
      const path = device['@odata.id'];
      if (!mine(path)) continue;
      this.mediaDevices.add(key(path));
      const insert = device.Actions?.['#VirtualMedia.InsertMedia']?.target;
      const eject = device.Actions?.['#VirtualMedia.EjectMedia']?.target;
      if (insert) this.mediaByInsert.set(key(insert), path);
      if (eject) this.mediaByEject.set(key(eject), path);
    }
    for (const bios of tree.ofType('Bios')) {
      if (!mine(bios['@odata.id'])) continue;
      const settings = bios['@Redfish.Settings']?.SettingsObject?.['@odata.id'];
      if (settings && !tree.has(settings)) {
        // Captures often leave out the settings object; real BMCs serve it.
        tree.set(settings, {
          '@odata.id': settings,
          '@odata.type': bios['@odata.type'],
          Id: 'Settings',
          Attributes: {},
        });
      }
      if (settings !== bios['@odata.id']) {
        this.biosSettings.set(
          key(bios['@odata.id']),
          settings ?? bios['@odata.id'],
        );
      }
    }
  }

  get system(): Resource {
    return this.tree.get(this.systemPath) ?? {};
  }

  isVirtualMedia(path: string): boolean {
    return this.mediaDevices.has(key(path));
  }

  /** Handles a request that changes state; undefined when `path` is no such endpoint. */
  handle(
    method: string,
    path: string,
    body: Resource,
  ): SimResponse | undefined {
    const k = key(path);
    const reset = this.system.Actions?.['#ComputerSystem.Reset']?.target;
    if (method === 'POST' && reset && k === key(reset)) {
      return this.reset(body.ResetType);
    }
    if (method === 'PATCH' && k === key(this.systemPath)) {
      return this.patchSystem(body);
    }
    if (method === 'POST' && this.mediaByInsert.has(k)) {
      return this.insert(this.mediaByInsert.get(k)!, body, true);
    }
    if (method === 'POST' && this.mediaByEject.has(k)) {
      return this.eject(this.mediaByEject.get(k)!);
    }
    if (method === 'PATCH' && this.mediaDevices.has(k)) {
      return this.patchMedia(path, body);
    }
    if (method === 'PATCH' && this.isBiosTarget(k)) {
      return this.patchBios(path, body);
    }
    return undefined;
  }

  stop(): void {
    clearTimeout(this.powerTimer);
  }

  private reset(resetType: unknown): SimResponse {
    const allowed = this.allowedResetTypes();
    if (typeof resetType !== 'string' || !allowed.includes(resetType)) {
      return redfishError(
        400,
        'ActionParameterValueNotInList',
        `ResetType ${String(resetType)} is not one of ${allowed.join(', ')}`,
      );
    }
    const on =
      this.system.PowerState !== 'Off' &&
      this.system.PowerState !== 'PoweringOff';
    switch (resetType) {
      case 'On':
      case 'ForceOn':
        if (!on) this.transition('On');
        break;
      case 'ForceOff':
      case 'GracefulShutdown':
        if (on) this.transition('Off');
        break;
      case 'PushPowerButton':
        this.transition(on ? 'Off' : 'On');
        break;
      case 'PowerCycle':
        this.transition('On');
        break;
      case 'GracefulRestart':
      case 'ForceRestart':
        if (!on) {
          return redfishError(
            409,
            'ActionNotSupported',
            `${resetType} is not possible while the system is powered off`,
          );
        }
        this.transition('On');
        break;
      default:
        break;
    }
    return noContent;
  }

  private allowedResetTypes(): string[] {
    const action = this.system.Actions?.['#ComputerSystem.Reset'] ?? {};
    const info = action['@Redfish.ActionInfo']
      ? this.tree.get(action['@Redfish.ActionInfo'])
      : undefined;
    const fromInfo = info?.Parameters?.find(
      (p: Resource) => p.Name === 'ResetType',
    )?.AllowableValues;
    return (
      fromInfo ??
      action['ResetType@Redfish.AllowableValues'] ??
      STANDARD_RESET_TYPES
    );
  }

  /** Power changes after `powerDelayMs`, showing PoweringOn/PoweringOff meanwhile; reaching On is a boot. */
  private transition(to: 'On' | 'Off'): void {
    clearTimeout(this.powerTimer);
    const apply = () => {
      this.system.PowerState = to;
      if (to === 'On') {
        this.boot();
      }
    };
    if (this.powerDelayMs <= 0) {
      apply();
      return;
    }
    this.system.PowerState = to === 'On' ? 'PoweringOn' : 'PoweringOff';
    this.powerTimer = setTimeout(apply, this.powerDelayMs);
    this.powerTimer.unref();
  }

  private boot(): void {
    const boot = this.system.Boot ?? {};
    const overridden =
      boot.BootSourceOverrideEnabled === 'Once' ||
      boot.BootSourceOverrideEnabled === 'Continuous';
    const target = overridden
      ? boot.BootSourceOverrideTarget ?? 'None'
      : 'None';
    const cd = this.cdImage();
    for (const [biosKey, settingsPath] of this.biosSettings) {
      const bios = this.tree.get(biosKey);
      const settings = this.tree.get(settingsPath);
      if (bios && settings && settings !== bios && settings.Attributes) {
        bios.Attributes = { ...bios.Attributes, ...settings.Attributes };
        settings.Attributes = {};
      }
    }
    const record: BootRecord = {
      at: Date.now(),
      target,
      uefiTarget:
        target === 'UefiTarget' ? boot.UefiTargetBootSourceOverride : undefined,
      media: target === 'Cd' || target === 'UefiTarget' ? cd : undefined,
      biosAttributes: { ...this.biosAttributes() },
    };
    this.boots.push(record);
    if (this.fetchBootConfig && record.media) {
      const params = [
        record.uefiTarget ?? '',
        ...Object.values(record.biosAttributes).filter(
          (v): v is string => typeof v === 'string',
        ),
      ].join(' ');
      void fetchBootConfig(bootConfigUrls(params)).then(fetched => {
        record.fetched = fetched;
      });
    }
    if (boot.BootSourceOverrideEnabled === 'Once') {
      boot.BootSourceOverrideEnabled = 'Disabled';
      boot.BootSourceOverrideTarget = 'None';
    }
  }

  private cdImage(): string | undefined {
    for (const path of this.mediaDevices) {
      const device = this.tree.get(path);
      if (
        device?.Inserted &&
        typeof device.Image === 'string' &&
        device.Image &&
        device.Image !== 'None'
      ) {
        return device.Image;
      }
    }
    return undefined;
  }

  private biosAttributes(): Record<string, unknown> {
    const biosPath = this.system.Bios?.['@odata.id'];
    return (biosPath && this.tree.get(biosPath)?.Attributes) ?? {};
  }

  private patchSystem(body: Resource): SimResponse {
    const boot = this.system.Boot;
    const patch = body.Boot;
    if (
      !boot ||
      !patch ||
      typeof patch !== 'object' ||
      Object.keys(body).some(k => k !== 'Boot')
    ) {
      return redfishError(
        400,
        'PropertyNotWritable',
        'Only Boot properties can be changed on this system',
      );
    }
    if (
      this.wholeBootPatch &&
      (!('BootSourceOverrideTarget' in patch) ||
        ('BootSourceOverrideMode' in boot &&
          !('BootSourceOverrideMode' in patch)))
    ) {
      return redfishError(
        400,
        'PropertyMissing',
        'Missing the BootSourceOverrideTarget and/or BootSourceOverrideMode property: both are required to change the boot override',
      );
    }
    for (const [name, value] of Object.entries(patch)) {
      if (!BOOT_PROPERTIES.has(name)) {
        return redfishError(
          400,
          'PropertyUnknown',
          `The property Boot/${name} is not known`,
        );
      }
      const allowed = boot[`${name}@Redfish.AllowableValues`];
      if (Array.isArray(allowed) && !allowed.includes(value)) {
        return redfishError(
          400,
          'PropertyValueNotInList',
          `The value ${String(
            value,
          )} for Boot/${name} is not in the list of acceptable values`,
        );
      }
    }
    Object.assign(boot, patch);
    if (
      this.onceBecomesContinuous &&
      patch.BootSourceOverrideEnabled === 'Once'
    ) {
      boot.BootSourceOverrideEnabled = 'Continuous';
    }
    return noContent;
  }

  private insert(path: string, body: Resource, byAction: boolean): SimResponse {
    const device = this.tree.get(path)!;
    if (
      typeof body.Image !== 'string' ||
      !/^[a-z][a-z0-9+.-]*:\/\//i.test(body.Image)
    ) {
      return redfishError(
        400,
        'ActionParameterMissing',
        'Image must be the URL of the image to insert',
      );
    }
    if (device.Inserted === true) {
      return redfishError(
        409,
        'ResourceInUse',
        `Virtual media ${device.Id} is already in use`,
      );
    }
    if (byAction) {
      const action = device.Actions['#VirtualMedia.InsertMedia'];
      const protocols = action['TransferProtocolType@Redfish.AllowableValues'];
      if (
        body.TransferProtocolType !== undefined &&
        Array.isArray(protocols) &&
        !protocols.includes(body.TransferProtocolType)
      ) {
        return redfishError(
          400,
          'ActionParameterValueNotInList',
          `TransferProtocolType ${body.TransferProtocolType} is not supported`,
        );
      }
    }
    device.Image = body.Image;
    device.ImageName = body.Image.split('/').pop() ?? null;
    device.Inserted = true;
    device.ConnectedVia = 'URI';
    return noContent;
  }

  private eject(path: string): SimResponse {
    const device = this.tree.get(path)!;
    device.Image = null;
    device.ImageName = null;
    device.Inserted = false;
    device.ConnectedVia = 'NotConnected';
    return noContent;
  }

  private patchMedia(path: string, body: Resource): SimResponse {
    const device = this.tree.get(path)!;
    if (device.Actions?.['#VirtualMedia.InsertMedia']) {
      return redfishError(
        400,
        'PropertyNotWritable',
        'Image is read-only here: use the InsertMedia and EjectMedia actions',
      );
    }
    if (body.Inserted === false || body.Image === null || body.Image === '') {
      return this.eject(path);
    }
    return this.insert(path, body, false);
  }

  private isBiosTarget(k: string): boolean {
    return (
      [...this.biosSettings.values()].some(p => key(p) === k) ||
      this.biosSettings.has(k)
    );
  }

  private patchBios(path: string, body: Resource): SimResponse {
    const k = key(path);
    const settingsPath = this.biosSettings.get(k);
    if (settingsPath && key(settingsPath) !== k) {
      return redfishError(
        400,
        'PropertyNotWritable',
        `Current BIOS settings are read-only: PATCH ${settingsPath}`,
      );
    }
    if (!body.Attributes || typeof body.Attributes !== 'object') {
      return redfishError(400, 'PropertyMissing', 'Attributes is required');
    }
    const target = this.tree.get(path)!;
    target.Attributes = { ...target.Attributes, ...body.Attributes };
    return { status: 202 };
  }
}

/** The members of the service's Systems collection. */
export function systemPaths(tree: ResourceTree): string[] {
  const systems = tree.get(
    tree.get('/redfish/v1')?.Systems?.['@odata.id'] ?? '/redfish/v1/Systems',
  );
  return (systems?.Members ?? [])
    .map((m: Resource) => m?.['@odata.id'])
    .filter((p: unknown): p is string => typeof p === 'string');
}
