import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { VendorQuirks } from './vendorQuirks';

/**
 * Lets a backend module teach the beskar7 Redfish client about a BMC vendor.
 * A vendor added here is tried before the built-in table, so it can also
 * replace a built-in entry by matching the same manufacturer.
 *
 * @public
 */
export interface Beskar7VendorsExtensionPoint {
  addVendor(quirks: VendorQuirks): void;
}

/** @public */
export const beskar7VendorsExtensionPoint =
  createExtensionPoint<Beskar7VendorsExtensionPoint>({
    id: 'beskar7.vendors',
  });
