import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { checkHealth } from './health';

export interface RouterOptions {
  knex: Knex;
  version: string;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { knex, version } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', async (_req, res) => {
    const health = await checkHealth(knex, version);
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  return router;
}
