import { screen } from '@testing-library/react';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { Route, Routes } from 'react-router-dom';
import { PageRouter } from './pageRouter';

describe('PageRouter', () => {
  // The test app is on frontend-app-api 0.x, as this repository's app is.
  it('renders a page with React Router routes in an app before frontend 1.0', async () => {
    const page = PageBlueprint.make({
      params: {
        path: '/fleet',
        loader: async () => (
          <PageRouter>
            <Routes>
              <Route path="/hosts" element={<p>hosts tab</p>} />
            </Routes>
          </PageRouter>
        ),
      },
    });
    renderTestApp({
      extensions: [page],
      initialRouteEntries: ['/fleet/hosts'],
    });
    expect(await screen.findByText('hosts tab')).toBeInTheDocument();
  });
});
