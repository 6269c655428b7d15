import { Route, Routes } from 'react-router-dom';
import { MachineDetail } from './MachineDetail';
import { MachineList } from './MachineList';

export const MachinesTab = () => (
  <Routes>
    <Route path="/" element={<MachineList />} />
    <Route path="/:id" element={<MachineDetail />} />
  </Routes>
);
