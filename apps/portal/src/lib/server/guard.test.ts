import { describe, expect, it } from 'vitest';
import { redirectFor, safeNext } from './guard';

const pro = { userId: 'USR-AAAAAAAAAA', role: 'pro' as const, name: 'Pro', email: 'p@x.dev' };
const admin = { ...pro, role: 'admin' as const };
const at = (path: string) => new URL(path, 'http://localhost');

describe('redirectFor', () => {
  it('sends visitors without a session to sign in, remembering where they were', () => {
    expect(redirectFor(null, at('/jobs/JOB-AAAAAAAA?x=1'))).toBe('/login?next=%2Fjobs%2FJOB-AAAAAAAA%3Fx%3D1');
    expect(redirectFor(null, at('/'))).toBe('/login');
    expect(redirectFor(null, at('/login'))).toBeNull();
  });

  it('keeps each role on its own pages', () => {
    expect(redirectFor(pro, at('/admin/pros'))).toBe('/offers');
    expect(redirectFor(admin, at('/offers'))).toBe('/admin');
    expect(redirectFor(admin, at('/jobs/JOB-AAAAAAAA'))).toBe('/admin/jobs/JOB-AAAAAAAA');
    expect(redirectFor(pro, at('/jobs/JOB-AAAAAAAA'))).toBeNull();
    expect(redirectFor(admin, at('/admin/jobs/JOB-AAAAAAAA'))).toBeNull();
  });
});

describe('safeNext', () => {
  it('follows paths on this site only', () => {
    expect(safeNext('/jobs', pro)).toBe('/jobs');
    expect(safeNext('//evil.example/x', pro)).toBe('/offers');
    expect(safeNext('/\\evil.example', pro)).toBe('/offers');
    expect(safeNext('https://evil.example', admin)).toBe('/admin');
    expect(safeNext(null, admin)).toBe('/admin');
  });

  it('refuses control characters and paths a browser would read as another site (issue 20, item 5)', () => {
    // What /login?next=/%09/evil.example/phish and next=/%0a arrive as, once decoded.
    for (const next of [
      '/\t/evil.example/phish',
      '/\n',
      '/\r\n/evil.example',
      '/\u007f',
      '/x\u0085',
      '/.//evil.example',
      '/\t\\evil.example',
    ])
      expect(safeNext(next, pro), JSON.stringify(next)).toBe('/offers');
    expect(safeNext('/%09/evil.example', pro)).toBe('/%09/evil.example');
    expect(safeNext('/jobs/JOB-AAAAAAAA?tab=photos#after', pro)).toBe('/jobs/JOB-AAAAAAAA?tab=photos#after');
    for (const next of ['/offers', '/jobs/x', '/availability?week=2']) {
      const resolved = new URL(safeNext(next, pro), 'https://portal.example');
      expect(resolved.origin).toBe('https://portal.example');
    }
  });

  it('does not send a role to the other side', () => {
    expect(safeNext('/admin', pro)).toBe('/offers');
    expect(safeNext('/offers', admin)).toBe('/admin');
  });
});
