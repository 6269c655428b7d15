import { generateTree, SimulatedBmc, VENDOR_LAYOUTS } from '../simulator';
import { checkBmc } from './bmcCheck';

const credentials = { username: 'admin', password: 'vendor-Secret-2' };

/**
 * An HPE Cray EX425 blade as its capture shows it (Cray-HPE
 * csm-redfish-interface-emulator, mockups/EX425): Manufacturer `HPE`, a
 * model that repeats it, no iLO anywhere: a manager with Cray OEM actions
 * that the system does not link. Built from a generic tree.
 */
function crayEx425() {
  const tree = generateTree('generic', 425);
  const root = tree.get('/redfish/v1')!;
  delete root.Vendor;
  delete root.Product;
  const { systemId, managerId } = VENDOR_LAYOUTS.generic;
  const system = tree.get(`/redfish/v1/Systems/${systemId}`)!;
  Object.assign(system, {
    Manufacturer: 'HPE',
    Model: 'HPE CRAY EX425 (MILAN)',
    Links: {},
  });
  const manager = tree.get(`/redfish/v1/Managers/${managerId}`)!;
  Object.assign(manager, {
    Description: 'Shasta Manager',
    ManagerType: 'EnclosureManager',
    FirmwareVersion: undefined,
    Actions: {
      Oem: {
        '#CrayProcess.Schedule': {
          target: `/redfish/v1/Managers/${managerId}/Actions/Oem/CrayProcess.Schedule`,
        },
      },
    },
  });
  return tree;
}

describe('vendor detection through bmc:check', () => {
  it('takes an HPE Cray EX425 for a generic Redfish service, named once', async () => {
    const bmc = await SimulatedBmc.start({ tree: crayEx425(), credentials });
    const results = await checkBmc(bmc.url, credentials);
    await bmc.stop();
    expect(results[1]).toMatchObject({ check: 'inventory', ok: true });
    expect(results[1].detail).toMatch(/^generic: HPE CRAY EX425 \(MILAN\), /);
  });

  it("takes iLO firmware for HPE whatever the system's manufacturer", async () => {
    const tree = generateTree('hpe', 426);
    tree.get('/redfish/v1/Systems/1')!.Manufacturer = 'Foxconn';
    delete tree.get('/redfish/v1')!.Vendor;
    const bmc = await SimulatedBmc.start({ tree, credentials });
    const results = await checkBmc(bmc.url, credentials);
    await bmc.stop();
    expect(results[1].detail).toMatch(/^hpe-ilo: Foxconn ProLiant/);
  });
});
