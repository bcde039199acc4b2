import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'f'.repeat(32),
  TWILIO_FROM: '+13125550100',
};

function problems(env: Record<string, string | undefined>): { variable: string; problem: string }[] {
  try {
    loadConfig('customer', { NODE_ENV: 'development', ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(({ variable, problem }) => ({ variable, problem }));
  }
  return [];
}

describe('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM', () => {
  it('none: texts go to the dev outbox (twilio is null); all three: Twilio', () => {
    expect(loadConfig('customer', { NODE_ENV: 'development' }).twilio).toBeNull();
    expect(loadConfig('customer', { NODE_ENV: 'development', ...TWILIO }).twilio).toEqual({
      accountSid: TWILIO.TWILIO_ACCOUNT_SID,
      authToken: TWILIO.TWILIO_AUTH_TOKEN,
      from: '+13125550100',
    });
    expect(loadConfig('customer', { NODE_ENV: 'development', ...TWILIO, TWILIO_FROM: `MG${'a'.repeat(32)}` }).twilio?.from).toMatch(/^MG/);
  });

  it('SMS_MODE=off turns texts off by choice; any other value stops the app, naming SMS_MODE', () => {
    expect(loadConfig('customer', { NODE_ENV: 'development' }).smsOff).toBe(false);
    expect(loadConfig('customer', { NODE_ENV: 'development', SMS_MODE: 'off' }).smsOff).toBe(true);
    expect(problems({ SMS_MODE: 'quiet' })).toEqual([
      { variable: 'SMS_MODE', problem: 'invalid value "quiet" (SMS_MODE takes one value: off)' },
    ]);
  });

  it('some but not all: the app refuses to start, naming each missing one', () => {
    expect(problems({ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID })).toEqual([
      { variable: 'TWILIO_AUTH_TOKEN', problem: 'missing (TWILIO_ACCOUNT_SID is set: all three or none)' },
      { variable: 'TWILIO_FROM', problem: 'missing (TWILIO_ACCOUNT_SID is set: all three or none)' },
    ]);
  });

  it('a value of the wrong shape names its variable, in production too', () => {
    expect(problems({ ...TWILIO, TWILIO_ACCOUNT_SID: 'SK123', TWILIO_FROM: '312-555-0100' }).map((p) => p.variable)).toEqual([
      'TWILIO_ACCOUNT_SID',
      'TWILIO_FROM',
    ]);
    expect(problems({ ...TWILIO, TWILIO_AUTH_TOKEN: 'short' })).toEqual([
      { variable: 'TWILIO_AUTH_TOKEN', problem: 'not a Twilio auth token (32 characters)' },
    ]);
  });
});
