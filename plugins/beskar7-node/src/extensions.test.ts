import { createBackendModule } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  Beskar7RunbooksExtensionPoint,
  beskar7RunbooksExtensionPoint,
  Beskar7VendorsExtensionPoint,
  beskar7VendorsExtensionPoint,
} from './extensions';
import { Beskar7RunbookProcedure } from './runbooks';
import { VendorQuirks } from './vendorQuirks';

const vendor: VendorQuirks = {
  id: 'acme-bmc',
  displayName: 'ACME BMC',
  match: /^ACME/i,
  kernelParams: { kind: 'biosAttribute', attribute: 'KernelArgs' },
};

const procedure: Beskar7RunbookProcedure = {
  id: 'acme-reseat',
  title: 'Reseat an ACME node',
  symptoms: ['ACME node stops answering'],
  severity: 'warning',
  parameters: [],
  steps: [
    {
      id: 'reseat',
      kind: 'manual',
      title: 'Reseat the node',
      description: 'Pull the sled and push it back.',
      instruction: 'Reseat the sled.',
      risk: { level: 'low', description: 'The node restarts.' },
      mutates: true,
      verification: { description: 'The BMC answers again.' },
      rollback: { description: 'Nothing to undo.' },
    },
  ],
};

/** The kind of module a vendor integration ships: it uses both extension points. */
const acmeModule = createBackendModule({
  pluginId: 'beskar7',
  moduleId: 'acme',
  register(reg) {
    reg.registerInit({
      deps: {
        vendors: beskar7VendorsExtensionPoint,
        runbooks: beskar7RunbooksExtensionPoint,
      },
      async init({ vendors, runbooks }) {
        vendors.addVendor(vendor);
        runbooks.addProcedure(procedure);
      },
    });
  },
});

describe('beskar7 extension points', () => {
  it('hand what a module adds to the plugin', async () => {
    const added: {
      vendors: VendorQuirks[];
      procedures: Beskar7RunbookProcedure[];
    } = {
      vendors: [],
      procedures: [],
    };
    const vendors: Beskar7VendorsExtensionPoint = {
      addVendor: v => added.vendors.push(v),
    };
    const runbooks: Beskar7RunbooksExtensionPoint = {
      addProcedure: p => added.procedures.push(p),
    };

    await startTestBackend({
      features: [acmeModule],
      extensionPoints: [
        [beskar7VendorsExtensionPoint, vendors],
        [beskar7RunbooksExtensionPoint, runbooks],
      ],
    });

    expect(added).toEqual({ vendors: [vendor], procedures: [procedure] });
  });
});
