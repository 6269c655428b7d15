import { Container, HeaderTab, PluginHeader } from '@backstage/ui';
import { RiServerLine } from '@remixicon/react';
import { Route, Routes } from 'react-router-dom';
import { ClustersTab } from '../ClustersTab/ClustersTab';
import { DiagnosticsTab } from '../DiagnosticsTab/DiagnosticsTab';
import { HostsTab } from '../HostsTab/HostsTab';
import { MachinesTab } from '../MachinesTab/MachinesTab';
import { OverviewTab } from '../OverviewTab/OverviewTab';
import { QueueTab } from '../QueueTab/QueueTab';
import { RunbooksTab } from '../RunbooksTab/RunbooksTab';
import { BasePathProvider, usePaths } from '../shared/paths';

const TABS = [
  { id: 'overview', label: 'Overview', path: '' },
  { id: 'hosts', label: 'Hosts', path: '/hosts' },
  { id: 'machines', label: 'Machines', path: '/machines' },
  { id: 'clusters', label: 'Clusters', path: '/clusters' },
  { id: 'queue', label: 'Queue health', path: '/queue' },
  { id: 'diagnostics', label: 'Diagnostics', path: '/diagnostics' },
  { id: 'runbooks', label: 'Runbooks', path: '/runbooks' },
];

const Page = () => {
  const { base } = usePaths();
  const tabs: HeaderTab[] = TABS.map(t => ({
    id: t.id,
    label: t.label,
    href: `${base}${t.path}`,
    matchStrategy: t.path ? 'prefix' : 'exact',
  }));
  return (
    <>
      <PluginHeader
        title="Beskar7 bare-metal fleet"
        icon={<RiServerLine />}
        titleLink={base}
        tabs={tabs}
      />
      <Container my="4">
        <Routes>
          <Route path="/" element={<OverviewTab />} />
          <Route path="/hosts/*" element={<HostsTab />} />
          <Route path="/machines/*" element={<MachinesTab />} />
          <Route path="/clusters/*" element={<ClustersTab />} />
          <Route path="/queue" element={<QueueTab />} />
          <Route path="/diagnostics" element={<DiagnosticsTab />} />
          <Route path="/runbooks/*" element={<RunbooksTab />} />
        </Routes>
      </Container>
    </>
  );
};

/** The bare-metal fleet: one header, one tab per job an operator does. */
export const Beskar7Page = () => (
  <BasePathProvider>
    <Page />
  </BasePathProvider>
);
