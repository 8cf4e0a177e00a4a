import { CloudEventValidationError } from './errors';
import { decodeHttpHeaderValue, encodeHttpHeaderValue } from './http-header-value';

const decode = (value: string): string => decodeHttpHeaderValue(value, 'subject', 'ce-subject');

describe('encodeHttpHeaderValue', () => {
  it("encodes the binding's own example", () => {
    expect(encodeHttpHeaderValue('Euro € 😀')).toBe('Euro%20%E2%82%AC%20%F0%9F%98%80');
  });

  it('encodes space, double quote, percent and everything outside printable ASCII', () => {
    expect(encodeHttpHeaderValue('a b"c%d')).toBe('a%20b%22c%25d');
    expect(encodeHttpHeaderValue('\t\u007f\u0080ü')).toBe('%09%7F%C2%80%C3%BC');
  });

  it('leaves values that need nothing untouched', () => {
    const value = "/sensors/tn-1234567/alerts?x=1&y=[2]'!~";
    expect(encodeHttpHeaderValue(value)).toBe(value);
  });
});

describe('decodeHttpHeaderValue', () => {
  it('decodes percent-encoding, upper or lower case, encoded or not', () => {
    expect(decode('Euro%20%E2%82%AC%20%F0%9F%98%80')).toBe('Euro € 😀');
    expect(decode('%e2%82%ac')).toBe('€');
    expect(decode('%41%42C')).toBe('ABC');
  });

  it('does one round only, and takes a % without two hex digits literally', () => {
    expect(decode('%2541')).toBe('%41');
    expect(decode('100%')).toBe('100%');
    expect(decode('%zz%4')).toBe('%zz%4');
  });

  it('unescapes quoted strings first, as older senders quoted values', () => {
    expect(decode('"hello world"')).toBe('hello world');
    expect(decode('"say \\"hi\\""')).toBe('say "hi"');
    expect(decode('"a%20b"')).toBe('a b');
    expect(decode('  padded value\t')).toBe('padded value');
  });

  it('reads latin1 header strings, as node gives them, as UTF-8 bytes', () => {
    const wire = Buffer.from('Grüße').toString('latin1');
    expect(decode(wire)).toBe('Grüße');
  });

  it('takes text with characters beyond latin1 as already decoded', () => {
    expect(decode('日本 %E2%82%AC')).toBe('日本 €');
  });

  it.each([
    ['%C0%A0', 'is not valid UTF-8 after percent-decoding'],
    ['%FF', 'is not valid UTF-8 after percent-decoding'],
    ['%ED%A0%80', 'is not valid UTF-8 after percent-decoding'],
    ['\u00e9', 'is not valid UTF-8 after percent-decoding'],
    ['"open', 'has an unterminated quoted string'],
    ['日\ud800', 'holds an unpaired surrogate'],
  ])('refuses %p, naming the header and attribute', (value, problem) => {
    try {
      decode(value);
      throw new Error('expected a rejection');
    } catch (err) {
      expect(err).toBeInstanceOf(CloudEventValidationError);
      expect((err as CloudEventValidationError).attribute).toBe('subject');
      expect((err as Error).message).toBe(`header 'ce-subject' of attribute 'subject' ${problem}`);
    }
  });

  it('inverts encodeHttpHeaderValue', () => {
    for (const value of ['plain', 'with space', '%', '"', 'ü€😀', ' lead and trail ', 'a\u0000b']) {
      expect(decode(encodeHttpHeaderValue(value))).toBe(value);
    }
  });
});
