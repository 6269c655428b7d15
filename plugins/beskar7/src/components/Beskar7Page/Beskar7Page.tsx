import { Container, PluginHeader, Tab, TabList, Tabs } from '@backstage/ui';
import { RiServerLine } from '@remixicon/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { ClustersTab } from '../ClustersTab/ClustersTab';
import { DiagnosticsTab } from '../DiagnosticsTab/DiagnosticsTab';
import { HostsTab } from '../HostsTab/HostsTab';
import { MachinesTab } from '../MachinesTab/MachinesTab';
import { OverviewTab } from '../OverviewTab/OverviewTab';
import { QueueTab } from '../QueueTab/QueueTab';
import { RunbooksTab } from '../RunbooksTab/RunbooksTab';
import { BasePathProvider, usePaths } from '../shared/paths';
import styles from './Beskar7Page.module.css';

const TABS = [
  { id: 'overview', label: 'Overview', path: '' },
  { id: 'hosts', label: 'Hosts', path: '/hosts' },
  { id: 'machines', label: 'Machines', path: '/machines' },
  { id: 'clusters', label: 'Clusters', path: '/clusters' },
  { id: 'queue', label: 'Queue health', path: '/queue' },
  { id: 'diagnostics', label: 'Diagnostics', path: '/diagnostics' },
  { id: 'runbooks', label: 'Runbooks', path: '/runbooks' },
];

/** The tab a path belongs to: the longest tab path it is in. */
function selectedTab(base: string, pathname: string): string {
  const inside = pathname.slice(base.length).replace(/\/$/, '');
  const match = TABS.filter(
    t => t.path && (inside === t.path || inside.startsWith(`${t.path}/`)),
  ).sort((a, b) => b.path.length - a.path.length)[0];
  return (match ?? TABS[0]).id;
}

const Page = () => {
  const { base } = usePaths();
  const { pathname } = useLocation();
  // The tabs are not handed to PluginHeader: its Tabs leave the selection
  // undefined until the tabs have registered, then set it, and React Aria
  // warns that a component changed from uncontrolled to controlled. Here
  // the selection is the location's from the first render.
  return (
    <>
      <PluginHeader
        className={styles.header}
        title="Beskar7 bare-metal fleet"
        icon={<RiServerLine />}
        titleLink={base}
      />
      <div className={styles.tabs}>
        <Tabs selectedKey={selectedTab(base, pathname)}>
          <TabList aria-label="Beskar7 sections">
            {TABS.map(t => (
              <Tab
                key={t.id}
                id={t.id}
                href={`${base}${t.path}`}
                matchStrategy={t.path ? 'prefix' : 'exact'}
              >
                {t.label}
              </Tab>
            ))}
          </TabList>
        </Tabs>
      </div>
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
