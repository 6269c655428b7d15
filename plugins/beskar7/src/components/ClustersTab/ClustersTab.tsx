import { Route, Routes } from 'react-router-dom';
import { ClusterDetail } from './ClusterDetail';
import { ClusterList } from './ClusterList';

export const ClustersTab = () => (
  <Routes>
    <Route path="/" element={<ClusterList />} />
    <Route path="/:namespace/:name" element={<ClusterDetail />} />
  </Routes>
);
