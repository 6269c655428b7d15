import { screen, within } from '@testing-library/react';

/** The legend entries of the chart titled `name`. */
export async function chartLegend(name: string | RegExp) {
  const figure = await screen.findByRole('figure', { name });
  return within(figure)
    .getAllByTestId('chart-legend')
    .map(e => e.textContent);
}
