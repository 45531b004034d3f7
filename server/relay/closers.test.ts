import { expect, it } from 'vitest';
import { Closers } from './closers';

it('closes newest first, awaits each step, reports a failing step and goes on, and closes each step once', async () => {
  const order: string[] = [];
  const errors: Array<[string, string]> = [];
  const closers = new Closers((name, err) => errors.push([name, (err as Error).message]));
  closers.push('storage', () => void order.push('storage'));
  closers.push('mailer', async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push('mailer');
  });
  closers.push('wake', () => {
    throw new Error('already stopped');
  });
  closers.push('poll', () => Promise.reject(new Error('poll gone')));
  await closers.closeAll();
  expect(order).toEqual(['mailer', 'storage']);
  expect(errors).toEqual([
    ['poll', 'poll gone'],
    ['wake', 'already stopped'],
  ]);
  await closers.closeAll();
  expect(order).toEqual(['mailer', 'storage']);
});
