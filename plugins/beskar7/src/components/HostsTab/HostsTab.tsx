import { Route, Routes } from 'react-router-dom';
import { HostDetail } from './HostDetail';
import { HostList } from './HostList';

export const HostsTab = () => (
  <Routes>
    <Route path="/" element={<HostList />} />
    <Route path="/:id" element={<HostDetail />} />
  </Routes>
);
