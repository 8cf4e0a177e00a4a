import { brokerSettings } from './broker.settings';

describe('BROKER_LOG_DIR', () => {
  const logDir = (value: string | undefined) => brokerSettings.read(value === undefined ? {} : { BROKER_LOG_DIR: value }).logDir;

  it('is off unless set, and a folder when set', () => {
    expect(logDir(undefined)).toBeUndefined();
    expect(logDir('')).toBeUndefined();
    expect(logDir('/var/lib/seldon-eventing/broker')).toBe('/var/lib/seldon-eventing/broker');
  });

  // npm start sets a folder unless told otherwise; `off` is how to tell it.
  it('is off when set to off, in any case; a folder named off is ./off', () => {
    expect(logDir('off')).toBeUndefined();
    expect(logDir(' OFF ')).toBeUndefined();
    expect(logDir('./off')).toBe('./off');
  });
});
