import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfirmButton } from './ConfirmButton';

describe('ConfirmButton', () => {
  it('asks in a dialog and can be used with the keyboard alone', async () => {
    const user = userEvent.setup();
    const onConfirm = jest.fn();
    render(
      <ConfirmButton
        label="Drain"
        question="Drain the queue?"
        onConfirm={onConfirm}
      />,
    );

    await user.tab();
    expect(screen.getByRole('button', { name: 'Drain' })).toHaveFocus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Drain?' });
    expect(dialog).toHaveTextContent('Drain the queue?');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Drain' })).toHaveFocus(),
    );
    expect(onConfirm).not.toHaveBeenCalled();

    await user.keyboard('{Enter}');
    await user.click(
      await screen.findByRole('button', { name: 'Confirm drain' }),
    );
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
