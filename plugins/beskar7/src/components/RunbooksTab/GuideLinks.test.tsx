import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { makePage, makeRunbook } from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { RunbooksTab } from './RunbooksTab';

const server = setupServer();
registerMswTestHooks(server);

const runbook = makeRunbook({
  id: 'claim-conflicts',
  title: 'Host claim conflicts',
  symptoms: ['Claim conflict rate above 15%'],
  guide: 'docs/runbooks.md#claim-conflicts',
  operatorGuide: {
    title: 'Scaling: coordination modes',
    path: 'docs/scaling.md#coordination-modes',
  },
});

const render = (config?: { beskar7: { docsBaseUrl: string } }) => {
  server.use(
    http.get('*/api/beskar7/runbooks/claim-conflicts', () =>
      HttpResponse.json(runbook),
    ),
    http.get('*/api/beskar7/runbooks/runs', () =>
      HttpResponse.json(makePage([], { limit: 20 })),
    ),
  );
  return renderWithApis(
    <Routes>
      <Route path="/runbooks/*" element={<RunbooksTab />} />
    </Routes>,
    {
      initialRouteEntries: ['/runbooks/claim-conflicts'],
      authorize: AuthorizeResult.DENY,
      config,
    },
  );
};

describe('GuideLinks', () => {
  it("links the runbook's operator guide and reference under docsBaseUrl", async () => {
    await render({
      beskar7: { docsBaseUrl: 'https://git.example/beskar7/blob/main/' },
    });
    expect(
      await screen.findByRole('link', { name: /^Scaling: coordination modes/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example/beskar7/blob/main/docs/scaling.md#coordination-modes',
    );
    expect(
      screen.getByRole('link', { name: /^Runbook reference/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example/beskar7/blob/main/docs/runbooks.md#claim-conflicts',
    );
  });

  it('shows the paths when no docsBaseUrl is configured', async () => {
    await render();
    expect(
      await screen.findByText(
        'Scaling: coordination modes: docs/scaling.md#coordination-modes',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Scaling/ })).toBeNull();
  });
});
