import {
  HostEvent as RecordedHostEvent,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { toIsoTimestamp, toOptional } from './values';

export const HOST_EVENTS_TABLE = 'beskar7_host_events';

/** A state change of a host, to be recorded (ids and times are the store's). */
export interface HostEvent {
  hostId: string;
  fromState?: HostState;
  toState: HostState;
  reason: string;
  message?: string;
}

export type { RecordedHostEvent };

/** Appends to and reads beskar7_host_events; pass a transaction to record with the change itself. */
export class HostEventStore {
  constructor(private readonly knex: Knex) {}

  async record(...events: HostEvent[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    await this.knex(HOST_EVENTS_TABLE).insert(
      events.map(e => ({
        host_id: e.hostId,
        from_state: e.fromState ?? null,
        to_state: e.toState,
        reason: e.reason,
        message: e.message ?? null,
        created_at: now,
      })),
    );
  }

  async list(hostId: string): Promise<RecordedHostEvent[]> {
    const rows = await this.knex(HOST_EVENTS_TABLE)
      .where({ host_id: hostId })
      .orderBy('id');
    return rows.map(row => ({
      id: Number(row.id),
      hostId: row.host_id,
      fromState: toOptional(row.from_state),
      toState: row.to_state,
      reason: row.reason,
      message: toOptional(row.message),
      createdAt: toIsoTimestamp(row.created_at),
    }));
  }
}
