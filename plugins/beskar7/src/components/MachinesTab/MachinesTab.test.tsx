import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { makeApiError, makePage } from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
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
