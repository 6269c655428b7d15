import { Route, Routes } from 'react-router-dom';
import { RunbookCatalogue } from './RunbookCatalogue';
import { RunbookRunner } from './RunbookRunner';

export const RunbooksTab = () => (
  <Routes>
    <Route path="/" element={<RunbookCatalogue />} />
    <Route path="/:id" element={<RunbookRunner />} />
  </Routes>
);
