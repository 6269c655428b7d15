import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  makeApiError,
  makeHostDetails,
  makeMachine,
  makePage,
} from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { Route, Routes } from 'react-router-dom';
import { MachinesTab } from './MachinesTab';

const server = setupServer();
registerMswTestHooks(server);

describe('MachinesTab', () => {
  it("shows the API's validation message for a bad request", async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get('*/api/beskar7/machines', () => HttpResponse.json(makePage([]))),
      http.post('*/api/beskar7/machines', async ({ request }) => {
        bodies.push(await request.json());
        return makeApiError(
          400,
          'InputError',
          'Invalid machine request: imageUrl: must be an http or https image URL without credentials in it',
        );
      }),
    );
    await renderWithApis(<MachinesTab />, { authorize: AuthorizeResult.ALLOW });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Request machines' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Request machines',
    });
    fireEvent.change(within(dialog).getByLabelText(/Name prefix/), {
      target: { value: 'web' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Image URL/), {
      target: { value: 'ftp://x' },
    });
    fireEvent.change(within(dialog).getByLabelText('Pool'), {
      target: { value: 'gpu' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));

    // The message shows next to the field it names, which is marked invalid.
    const imageUrl = within(dialog).getByLabelText(/Image URL/);
    await waitFor(() =>
      expect(imageUrl).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(imageUrl).toHaveAccessibleDescription(
      'must be an http or https image URL without credentials in it',
    );
    expect(within(dialog).getByLabelText('Pool')).not.toHaveAttribute(
      'aria-invalid',
    );
    expect(bodies[0]).toMatchObject({
      name: 'web-0',
      imageUrl: 'ftp://x',
      osFamily: 'kairos',
      provisioningMode: 'RemoteConfig',
      requirements: { pool: 'gpu' },
    });
    expect(screen.getByText('No machine requested yet')).toBeInTheDocument();
  });

  it('names the host a machine holds, linking to the host page', async () => {
    const host = makeHostDetails();
    const held = makeMachine({ hostId: host.id });
    const lost = makeMachine({
      id: '44444444-4444-4444-8444-444444444444',
      name: 'web-1',
      hostId: '55555555-5555-4555-8555-555555555555',
    });
    server.use(
      http.get('*/api/beskar7/machines', () =>
        HttpResponse.json(makePage([held, lost])),
      ),
      http.get('*/api/beskar7/machines/:id', () => HttpResponse.json(held)),
      http.get('*/api/beskar7/hosts/:id', ({ params }) =>
        params.id === host.id
          ? HttpResponse.json(host)
          : makeApiError(404, 'NotFoundError', 'no such host'),
      ),
    );
    const machines = (path: string) =>
      renderWithApis(
        <Routes>
          <Route path="/beskar7/machines/*" element={<MachinesTab />} />
        </Routes>,
        { authorize: AuthorizeResult.ALLOW, initialRouteEntries: [path] },
      );

    const { unmount } = await machines('/beskar7/machines');
    const named = await screen.findByRole('link', { name: 'simulator/sim-00' });
    expect(named).toHaveAttribute('href', `/beskar7/hosts/${host.id}`);
    // A host that cannot be read shows by its whole id, still linked.
    expect(screen.getByRole('link', { name: lost.hostId })).toBeInTheDocument();
    unmount();

    await machines(`/beskar7/machines/${held.id}`);
    expect(
      await screen.findByRole('link', { name: 'simulator/sim-00' }),
    ).toHaveAttribute('href', `/beskar7/hosts/${host.id}`);
  });

  it('hides the request form without the permission', async () => {
    server.use(
      http.get('*/api/beskar7/machines', () => HttpResponse.json(makePage([]))),
    );
    await renderWithApis(<MachinesTab />, { authorize: AuthorizeResult.DENY });
    expect(
      await screen.findByText('No machine requested yet'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request machines' }),
    ).not.toBeInTheDocument();
  });
});
