import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const { renderTable, withTable, README } = require('./settings-table.js');

/** Every app's SETTINGS, from the sources. */
const sourceSettingsOf = (app: string) => require(join(__dirname, '../../apps', app, 'src', `${app}.settings.ts`)).SETTINGS;

describe("the README's settings table", () => {
  it('is what the settings definitions give', () => {
    const readme = readFileSync(README, 'utf8');
    try {
      expect(readme).toBe(withTable(readme, renderTable(sourceSettingsOf)));
    } catch (err) {
      (err as Error).message = `README.md's settings table differs from the definitions: run \`npm run settings:table\` to regenerate it.\n\n${(err as Error).message}`;
      throw err;
    }
  });

  it('documents every variable once, with a default and a meaning', () => {
    const table = renderTable(sourceSettingsOf) as string;
    const names = [...table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \| [^|]+ \| (.+) \|$/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const expected of ['PREDICTOR_TIMEOUT_MS', 'DELIVERY_TIMEOUT_MS', 'MODEL_URI', 'KAFKA_INITIAL_OFFSET', 'CLUSTER_DOMAIN', 'EVENTING_TRANSPORT', 'MAX_BODY_BYTES']) {
      expect(names).toContain(expected);
    }
  });
});
