import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  Beskar7ApiClient,
  ClusterScaleRequest,
  ListHostsQuery,
  listHostsRequest,
  MachineRequest,
  RunbookStepInput,
  StartRunbookRunRequest,
  UpdateHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Api } from './Beskar7Api';

/**
 * Talks to `/api/beskar7` with the portal's authenticated fetch, through the
 * client generated from the API's OpenAPI document.
 */
export class Beskar7Client implements Beskar7Api {
  private readonly api: Beskar7ApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new Beskar7ApiClient(options);
  }

  getHealth() {
    return this.api.getHealth();
  }

  listHosts(query: ListHostsQuery) {
    return this.api.listHosts(listHostsRequest(query));
  }

  getHost(id: string) {
    return this.api.getHost({ path: { id } });
  }

  updateHost(id: string, patch: UpdateHostRequest) {
    return this.api.updateHost({ path: { id }, body: patch });
  }

  releaseHost(id: string) {
    return this.api.releaseHost({ path: { id } });
  }

  recoverHost(id: string) {
    return this.api.recoverHost({ path: { id } });
  }

  listClusters() {
    return this.api.listClusters();
  }

  getCluster(namespace: string, name: string) {
    return this.api.getCluster({ path: { namespace, name } });
  }

  scaleCluster(namespace: string, name: string, request: ClusterScaleRequest) {
    return this.api.scaleCluster({ path: { namespace, name }, body: request });
  }

  deleteCluster(namespace: string, name: string) {
    return this.api.deleteCluster({ path: { namespace, name } });
  }

  async listPools() {
    return (await this.api.listPools()).items;
  }

  listMachines(query: { offset: number; limit: number; ids?: string[] }) {
    const { offset, limit, ids } = query;
    return this.api.listMachines({ query: { offset, limit, id: ids } });
  }

  getMachine(id: string) {
    return this.api.getMachine({ path: { id } });
  }

  async requestMachine(request: MachineRequest) {
    return (await this.api.requestMachine({ body: request })).body;
  }

  releaseMachine(id: string) {
    return this.api.releaseMachine({ path: { id } });
  }

  getQueue() {
    return this.api.getQueue();
  }

  changeQueue(action: 'pause' | 'resume' | 'drain') {
    return this.api[`${action}Queue`]();
  }

  getDiagnostics() {
    return this.api.getDiagnostics();
  }

  getMetricsSummary(windowMinutes = 30) {
    return this.api.getMetricsSummary({ query: { windowMinutes } });
  }

  async listRunbooks() {
    return (await this.api.listRunbooks()).items;
  }

  getRunbook(id: string) {
    return this.api.getRunbook({ path: { id } });
  }

  listRunbookRuns(runbookId: string) {
    return this.api.listRunbookRuns({ query: { runbookId, limit: 20 } });
  }

  startRunbook(id: string, request: StartRunbookRunRequest) {
    return this.api.startRunbook({ path: { id }, body: request });
  }

  stepRunbook(
    runId: string,
    action: 'next' | 'resume' | 'acknowledge' | 'rollback' | 'abort',
    input: RunbookStepInput = {},
  ) {
    const path = { runId };
    switch (action) {
      case 'next':
        return this.api.runNextRunbookStep({ path, body: input });
      case 'resume':
        return this.api.resumeRunbookRun({ path, body: input });
      case 'acknowledge':
        return this.api.acknowledgeRunbookStep({ path, body: input });
      default:
        return this.api[`${action}RunbookRun`]({ path });
    }
  }
}
