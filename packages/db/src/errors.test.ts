import { describe, expect, it } from 'vitest';
import { retryAbortedTransaction } from './errors';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('retryAbortedTransaction', () => {
  it('runs a transaction PostgreSQL aborted for a deadlock or a serialization failure again', async () => {
    const codes = ['40P01', '40001'];
    let runs = 0;
    const result = await retryAbortedTransaction(async () => {
      runs++;
      const code = codes.shift();
      if (code) throw pgError(code);
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(runs).toBe(3);
  });

  it('passes any other failure on at once, and gives up after its attempts', async () => {
    let runs = 0;
    await expect(
      retryAbortedTransaction(async () => {
        runs++;
        throw pgError('23505');
      }),
    ).rejects.toThrow('pg 23505');
    expect(runs).toBe(1);
    runs = 0;
    await expect(
      retryAbortedTransaction(async () => {
        runs++;
        throw pgError('40P01');
      }, 3),
    ).rejects.toThrow('pg 40P01');
    expect(runs).toBe(3);
  });
});
