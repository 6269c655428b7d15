import { test, expect } from '@playwright/test';

test('the Beskar7 page shows the backend health', async ({ page }) => {
  await page.goto('/beskar7');

  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();

  await expect(page.getByText('Beskar7 bare-metal fleet')).toBeVisible();
  await expect(page.getByTestId('health-status')).toHaveText('ok');
  await expect(page.getByTestId('health-db')).not.toBeEmpty();
});
