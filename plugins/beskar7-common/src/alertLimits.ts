/**
 * The limits operators are alerted at, shared by the backend's health checks
 * and the portal's charts, which draw them as threshold lines.
 */
export const ALERT_LIMITS = {
  /** Share of claim attempts that lost a race with another replica. */
  claimConflictRate: 0.15,
  /** p95 of one BMC operation; slower means a BMC (or its network) struggles. */
  bmcOperationP95Ms: 5_000,
  /**
   * Operations that were due but waited for their BMC's cooldown, per
   * second over 5 minutes: above it, cooldowns rather than workers set the
   * pace. The alert sums every replica; a replica's health check its own.
   */
  bmcCooldownWaitsPerSecond: 0.3,
} as const;
