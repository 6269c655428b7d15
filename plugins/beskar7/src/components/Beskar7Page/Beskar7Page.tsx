import { TabbedLayout } from '@backstage/core-components';
import { Container, Header } from '@backstage/ui';
import { DiagnosticsTab } from '../DiagnosticsTab/DiagnosticsTab';
import { HostsTab } from '../HostsTab/HostsTab';
import { MachinesTab } from '../MachinesTab/MachinesTab';
import { OverviewTab } from '../OverviewTab/OverviewTab';
import { QueueTab } from '../QueueTab/QueueTab';
import { RunbooksTab } from '../RunbooksTab/RunbooksTab';

/** The bare-metal fleet, one tab per job an operator does. */
export const Beskar7Page = () => (
  <>
    <Header title="Beskar7 bare-metal fleet" />
    <Container>
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Overview">
          <OverviewTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/hosts" title="Hosts">
          <HostsTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/machines" title="Machines">
          <MachinesTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/queue" title="Queue health">
          <QueueTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/diagnostics" title="Diagnostics">
          <DiagnosticsTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/runbooks" title="Runbooks">
          <RunbooksTab />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Container>
  </>
);
