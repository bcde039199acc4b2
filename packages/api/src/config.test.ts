import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_URL_SIGNING_SECRET, isSafeOrigin, loadConfig } from './config';
import { DEV_WEBHOOK_SECRET } from './domain/payments';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://h2s@db.internal:5432/h2s',
  STRIPE_SECRET_KEY: 'sk_live_51Hexample',
  STRIPE_WEBHOOK_SECRET: 'whsec_live_example_secret',
  URL_SIGNING_SECRET: 'a'.repeat(64),
  ORIGIN: 'https://shop.example.com',
  CUSTOMER_ORIGIN: 'https://shop.example.com',
  PORTAL_ORIGIN: 'https://portal.example.com',
};

function problemsOf(env: Record<string, string | undefined>, app: 'customer' | 'portal' = 'customer'): string[] {
  try {
    loadConfig(app, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.variable);
  }
  return [];
}

describe('loadConfig in production', () => {
  it('starts with every setting present, on HTTPS with Secure cookies', () => {
    const config = loadConfig('customer', production);
    expect(config).toMatchObject({
      production: true,
      paymentsMode: 'stripe',
      secureTransport: true,
      customerOrigin: 'https://shop.example.com',
    });
  });

  it.each(['DATABASE_URL', 'STRIPE_WEBHOOK_SECRET', 'URL_SIGNING_SECRET', 'STRIPE_SECRET_KEY'])(
    'refuses to start without %s, naming it',
    (variable) => {
      expect(problemsOf({ ...production, [variable]: undefined })).toEqual([variable]);
    },
  );

  it('lists every problem at once, each with what it is for', () => {
    let message = '';
    try {
      loadConfig('customer', { NODE_ENV: 'production', ORIGIN: 'http://shop.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'URL_SIGNING_SECRET', 'ORIGIN']) {
      expect(message).toContain(`${variable}:`);
    }
    expect(message).toContain('forge a paid order');
    expect(message).toContain('"http://shop.example.com" is not https://');
  });

  it('never uses a secret committed to the repository', () => {
    expect(problemsOf({ ...production, STRIPE_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET })).toEqual(['STRIPE_WEBHOOK_SECRET']);
    expect(problemsOf({ ...production, URL_SIGNING_SECRET: DEV_URL_SIGNING_SECRET })).toEqual(['URL_SIGNING_SECRET']);
  });

  it('takes test payments only when chosen explicitly', () => {
    const config = loadConfig('customer', { ...production, STRIPE_SECRET_KEY: undefined, PAYMENTS_MODE: 'test' });
    expect(config.paymentsMode).toBe('test');
    expect(problemsOf({ ...production, STRIPE_SECRET_KEY: undefined, PAYMENTS_MODE: 'stripe' })).toEqual(['STRIPE_SECRET_KEY']);
  });

  it('accepts http:// only on this machine', () => {
    expect(isSafeOrigin('http://127.0.0.1:3000')).toBe(true);
    expect(isSafeOrigin('http://localhost:3001')).toBe(true);
    expect(isSafeOrigin('https://shop.example.com')).toBe(true);
    expect(isSafeOrigin('http://shop.example.com')).toBe(false);
    expect(isSafeOrigin('http://127.0.0.1.evil.example')).toBe(false);
    expect(isSafeOrigin('javascript:alert(1)')).toBe(false);
    const local = loadConfig('portal', {
      ...production,
      ORIGIN: 'http://127.0.0.1:3001',
      CUSTOMER_ORIGIN: 'http://127.0.0.1:3000',
      PORTAL_ORIGIN: undefined,
    });
    // Cookies cannot be Secure over plain HTTP, so no __Host- prefix and no HSTS there.
    expect(local.secureTransport).toBe(false);
  });
});

describe('loadConfig in development', () => {
  it('needs nothing: test payments and the development secrets', () => {
    const config = loadConfig('customer', { NODE_ENV: 'development' });
    expect(config).toMatchObject({
      production: false,
      paymentsMode: 'test',
      stripeWebhookSecret: DEV_WEBHOOK_SECRET,
      customerOrigin: 'http://localhost:5173',
    });
  });
});

describe('every setting is checked at start, in development too (issue 20, item 7)', () => {
  it.each([
    ['OFFER_WIDEN_AFTER_MINUTES', '0.05'],
    ['OFFER_ESCALATE_AFTER_MINUTES', '-1'],
    ['RESCHEDULE_CUTOFF_HOURS', 'soon'],
    ['WORKER_CONCURRENCY', '0'],
    ['WEB_CONCURRENCY', 'many'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '1.5'],
    ['PORTAL_PORT', '70000'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['BODY_SIZE_LIMIT', 'lots'],
    ['LIVE_STREAMS_PER_SESSION', '0'],
  ])('refuses %s=%s, naming it', (variable, value) => {
    expect(problemsOf({ [variable]: value })).toEqual([variable]);
    expect(problemsOf({ ...production, [variable]: value })).toEqual([variable]);
  });

  it('names every bad variable at once, with what it is for', () => {
    let message = '';
    try {
      loadConfig('portal', { OFFER_WIDEN_AFTER_MINUTES: '0.05', WORKER_CONCURRENCY: '-3' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('The portal app refuses to start: 2 settings');
    expect(message).toContain('OFFER_WIDEN_AFTER_MINUTES: invalid value "0.05"');
    expect(message).toContain('Whole minutes an open job waits');
    expect(message).toContain('WORKER_CONCURRENCY: invalid value "-3"');
  });

  it('takes good values and blanks', () => {
    expect(
      problemsOf({ OFFER_WIDEN_AFTER_MINUTES: '45', SMTP_URL: 'smtp://u:p@mail.example.com:587', BODY_SIZE_LIMIT: '11M', PORT: '' }),
    ).toEqual([]);
  });
});

describe('route planning settings', () => {
  it('reads ROUTING_URL and DISPATCH_POLICY, and stops on a bad one naming the variable', () => {
    expect(loadConfig('portal', {})).toMatchObject({ routingUrl: null, dispatchPolicy: 'seed' });
    expect(loadConfig('portal', { ROUTING_URL: 'http://osrm.internal:5000', DISPATCH_POLICY: 'route-aware' })).toMatchObject({
      routingUrl: 'http://osrm.internal:5000',
      dispatchPolicy: 'route-aware',
    });
    expect(() => loadConfig('portal', { DISPATCH_POLICY: 'nearest' })).toThrow(/DISPATCH_POLICY: invalid/);
    expect(() => loadConfig('portal', { ROUTING_URL: 'osrm.internal' })).toThrow(
      /ROUTING_URL: invalid.*not an http:\/\/ or https:\/\/ URL/s,
    );
  });
});
