import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Beskar7RunbookProcedure } from './runbooks';
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

/**
 * Lets a backend module add runbook procedures next to the built-in ones.
 * Ids must be unique across all procedures.
 *
 * @public
 */
export interface Beskar7RunbooksExtensionPoint {
  addProcedure(procedure: Beskar7RunbookProcedure): void;
}

/** @public */
export const beskar7RunbooksExtensionPoint =
  createExtensionPoint<Beskar7RunbooksExtensionPoint>({
    id: 'beskar7.runbooks',
  });
