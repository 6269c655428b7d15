import {
  ALERT_LIMITS,
  BOOT_MODES,
  HOST_STATES,
  MACHINE_PHASES,
  OS_FAMILIES,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { readClaimsConfig } from '../config/readClaimsConfig';
import { readProvisioningConfig } from '../config';
import { poolShortfall } from '../database/connectionPool';
import { readKubernetesSettings } from '../kubernetes';
import { PROCEDURES } from '../runbooks';

const REPO = resolve(__dirname, '../../../..');
const DEPLOY = join(REPO, 'deploy');
const SRC = resolve(__dirname, '..');

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

function documents(path: string): any[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map(doc => {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

/** Every metric name the plugin registers, read from its source. */
const DEFINED_METRICS = new Set(
  files(SRC, '.ts')
    .filter(f => !f.endsWith('.test.ts'))
    .flatMap(f =>
      [
        ...readFileSync(f, 'utf8').matchAll(/name: '(beskar7_[a-z0-9_]+)'/g),
      ].map(m => m[1]),
    ),
);

/** Metric names an expression uses; a histogram's series name its histogram. */
function referencedMetrics(expr: string): string[] {
  return [...expr.matchAll(/\b(beskar7_[a-z0-9_]+)/g)].map(([, name]) =>
    DEFINED_METRICS.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''),
  );
}

describe('deploy/', () => {
  // Kubernetes objects only: not the kustomization nor promtool's tests.
  const all = files(DEPLOY, '.yaml')
    .filter(
      f =>
        !f.endsWith('kustomization.yaml') &&
        !f.includes(join('monitoring', 'tests')),
    )
    .flatMap(f => documents(f).map(d => ({ f, d })));

  it('holds valid Kubernetes objects', () => {
    expect(all.length).toBeGreaterThan(10);
    for (const { f, d } of all) {
      expect([
        f,
        typeof d.apiVersion,
        typeof d.kind,
        typeof d.metadata?.name,
      ]).toEqual([f, 'string', 'string', 'string']);
    }
  });

  it('has CRDs whose enums are the ones the code uses', () => {
    const crd = (kind: string) =>
      all.find(
        ({ d }) =>
          d.kind === 'CustomResourceDefinition' && d.spec.names.kind === kind,
      )!.d.spec.versions[0];
    const host = crd('PhysicalHost');
    const machine = crd('Beskar7Machine');
    expect(host.subresources).toEqual({ status: {} });
    expect(machine.subresources).toEqual({ status: {} });
    const hostSchema = host.schema.openAPIV3Schema.properties;
    const machineSchema = machine.schema.openAPIV3Schema.properties;
    expect(hostSchema.status.properties.state.enum).toEqual([...HOST_STATES]);
    expect(machineSchema.status.properties.phase.enum).toEqual([
      ...MACHINE_PHASES,
    ]);
    expect(machineSchema.spec.properties.osFamily.enum).toEqual([
      ...OS_FAMILIES,
    ]);
    expect(machineSchema.spec.properties.provisioningMode.enum).toEqual([
      ...PROVISIONING_MODES,
    ]);
    expect(machineSchema.spec.properties.bootMode.enum).toEqual([
      ...BOOT_MODES,
    ]);

    const address = new RegExp(
      hostSchema.spec.properties.redfishConnection.properties.address.pattern,
    );
    expect(
      ['https://10.0.0.1', 'http://bmc.rack-a/redfish'].every(a =>
        address.test(a),
      ),
    ).toBe(true);
    expect(
      ['ftp://10.0.0.1', 'https://root:pw@10.0.0.1', '10.0.0.1'].some(a =>
        address.test(a),
      ),
    ).toBe(false);
  });

  it('labels every CRD as a Cluster API v1beta1 infrastructure provider', () => {
    const crds = all.filter(({ d }) => d.kind === 'CustomResourceDefinition');
    expect(crds.map(({ d }) => d.spec.names.kind).sort()).toEqual([
      'Beskar7Cluster',
      'Beskar7Machine',
      'Beskar7MachineTemplate',
      'PhysicalHost',
    ]);
    for (const { d } of crds) {
      expect([d.metadata.name, d.metadata.labels]).toEqual([
        d.metadata.name,
        {
          'cluster.x-k8s.io/provider': 'infrastructure-beskar7',
          'cluster.x-k8s.io/v1beta1': 'v1beta1',
        },
      ]);
    }
  });

  it("derives Beskar7MachineTemplate's machine spec from Beskar7Machine's (scripts/generate-crds.mjs)", () => {
    // Throws, naming the stale file, when the two have drifted apart.
    execFileSync(process.execPath, [
      join(REPO, 'scripts/generate-crds.mjs'),
      '--check',
    ]);
    const spec = (kind: string) =>
      all.find(
        ({ d }) =>
          d.kind === 'CustomResourceDefinition' && d.spec.names.kind === kind,
      )!.d.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const machine = spec('Beskar7Machine');
    const template = spec('Beskar7MachineTemplate');
    expect(template['x-kubernetes-validations']).toEqual([
      expect.objectContaining({ rule: 'self == oldSelf' }),
    ]);
    const cloned = template.properties.template.properties.spec;
    expect(Object.keys(cloned.properties)).toEqual(
      Object.keys(machine.properties).filter(f => f !== 'providerID'),
    );
    expect(cloned.required).toEqual(machine.required);
    expect(JSON.stringify(cloned)).not.toContain('x-kubernetes-validations');
  });

  it('gives Beskar7Cluster the InfraCluster contract fields', () => {
    const schema = all.find(
      ({ d }) =>
        d.kind === 'CustomResourceDefinition' &&
        d.spec.names.kind === 'Beskar7Cluster',
    )!.d.spec.versions[0].schema.openAPIV3Schema.properties;
    expect(
      Object.keys(schema.spec.properties.controlPlaneEndpoint.properties),
    ).toEqual(['host', 'port']);
    expect(Object.keys(schema.status.properties).sort()).toEqual([
      'conditions',
      'failureDomains',
      'failureMessage',
      'failureReason',
      'initialization',
      'ready',
    ]);
    expect(
      Object.keys(
        schema.status.properties.failureDomains.additionalProperties.properties,
      ),
    ).toEqual(['controlPlane', 'attributes']);
    expect(
      Object.keys(schema.status.properties.conditions.items.properties).sort(),
    ).toEqual([
      'lastTransitionTime',
      'message',
      'reason',
      'severity',
      'status',
      'type',
    ]);
  });

  it('runs three replicas with probes on the health endpoints and a disruption budget', () => {
    const deployment = all.find(({ d }) => d.kind === 'Deployment')!.d;
    expect(deployment.spec.replicas).toBe(3);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(container.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(container.resources.requests).toBeDefined();
    expect(all.some(({ d }) => d.kind === 'PodDisruptionBudget')).toBe(true);
  });

  it('alerts only on metrics the code emits, each with a runbook that exists', () => {
    const rule = all.find(({ d }) => d.kind === 'PrometheusRule')!.d;
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    const recorded = new Set(
      rules.filter((r: any) => r.record).map((r: any) => r.record),
    );
    const runbookIds = new Set(PROCEDURES.map(p => p.id));
    for (const r of rules) {
      for (const metric of referencedMetrics(r.expr)) {
        expect([metric, DEFINED_METRICS.has(metric)]).toEqual([metric, true]);
      }
      for (const used of String(r.expr).match(/beskar7:[a-z0-9_:]+/g) ?? []) {
        expect([used, recorded.has(used)]).toEqual([used, true]);
      }
    }
    for (const alert of rules.filter((r: any) => r.alert)) {
      const id = String(alert.annotations.runbook_url).split(
        '/beskar7/runbooks/',
      )[1];
      expect([alert.alert, runbookIds.has(id)]).toEqual([alert.alert, true]);
    }
    expect(rules.filter((r: any) => r.alert).map((r: any) => r.alert)).toEqual([
      'Beskar7ClaimConflictRateHigh',
      'Beskar7QueueUtilisationHigh',
      'Beskar7QueueNearlyFull',
      'Beskar7BmcCooldownRateHigh',
      'Beskar7LeaderElectionUnstable',
      'Beskar7ClaimLatencyHigh',
      'Beskar7BmcErrorRateHigh',
      'Beskar7BmcCircuitOpen',
      'Beskar7BackendDown',
    ]);
  });

  it('alerts at the limits the health checks and charts use (ALERT_LIMITS)', () => {
    const rules = all
      .find(({ d }) => d.kind === 'PrometheusRule')!
      .d.spec.groups.flatMap((g: any) => g.rules);
    const exprOf = (alert: string) =>
      String(rules.find((r: any) => r.alert === alert).expr).trim();
    expect(exprOf('Beskar7ClaimConflictRateHigh')).toBe(
      `beskar7:claim_conflict_rate:3m > ${ALERT_LIMITS.claimConflictRate}`,
    );
    expect(exprOf('Beskar7BmcCooldownRateHigh')).toBe(
      `beskar7:bmc_cooldown_waits:rate5m > ${ALERT_LIMITS.bmcCooldownWaitsPerSecond}`,
    );
  });

  it('has a dashboard that plots only metrics the code emits or rules record', () => {
    const dashboard = JSON.parse(
      readFileSync(join(DEPLOY, 'monitoring/grafana-dashboard.json'), 'utf8'),
    );
    const rules = all
      .find(({ d }) => d.kind === 'PrometheusRule')!
      .d.spec.groups.flatMap((g: any) => g.rules);
    const recorded = new Set(
      rules.filter((r: any) => r.record).map((r: any) => r.record),
    );
    const exprs: string[] = dashboard.panels.flatMap((p: any) =>
      p.targets.map((t: any) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) {
      for (const metric of referencedMetrics(expr)) {
        expect([metric, DEFINED_METRICS.has(metric)]).toEqual([metric, true]);
      }
      for (const used of expr.match(/beskar7:[a-z0-9_:]+/g) ?? []) {
        expect([used, recorded.has(used)]).toEqual([used, true]);
      }
    }
  });

  it('runs the backend with a Kubernetes config that start-up accepts', () => {
    const configMap = all.find(
      ({ d }) =>
        d.kind === 'ConfigMap' &&
        d.metadata.name === 'beskar7-backstage-config',
    )!.d;
    const config = new ConfigReader(
      parse(configMap.data['app-config.kubernetes.yaml']),
    );
    expect(readClaimsConfig(config).mode).toBe('leader');
    expect(
      readKubernetesSettings(config, { POD_NAMESPACE: 'beskar7' }),
    ).toMatchObject({
      inCluster: true,
      leaderElection: {
        enabled: true,
        leaseName: 'beskar7-claim-coordinator-leader',
        namespace: 'beskar7',
      },
    });

    const deployment = all.find(({ d }) => d.kind === 'Deployment')!.d;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const mount = container.volumeMounts.find(
      (m: any) =>
        pod.volumes.find((v: any) => v.name === m.name)?.configMap?.name ===
        configMap.metadata.name,
    );
    expect(container.args).toContain(
      `${mount.mountPath}/app-config.kubernetes.yaml`,
    );
    expect(container.env).toContainEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
  });

  it('sizes database pools from the workers, keeping no idle connection', () => {
    const production = new ConfigReader(
      parse(readFileSync(join(REPO, 'app-config.production.yaml'), 'utf8')),
    );
    const pools = production.getConfig('backend.database');
    // Idle pools hold nothing: a restart against a busy server finds room.
    expect(pools.getNumber('knexConfig.pool.min')).toBe(0);
    expect(pools.getNumber('plugin.beskar7.knexConfig.pool.min')).toBe(0);
    const { workerCount } = readProvisioningConfig(production);
    expect(
      poolShortfall(
        pools.getNumber('plugin.beskar7.knexConfig.pool.max'),
        workerCount,
      ),
    ).toBeUndefined();
  });
});
