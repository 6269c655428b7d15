/**
 * The limits operators are alerted at, shared by the backend's health checks
 * and the portal's charts, which draw them as threshold lines.
 */
export const ALERT_LIMITS = {
  /** Share of claim attempts that lost a race with another replica. */
  claimConflictRate: 0.15,
  /** p95 of one BMC operation; slower means a BMC (or its network) struggles. */
  bmcOperationP95Ms: 5_000,
} as const;
