import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BACKENDS, PORT_BASE, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { TestSubscriber } from './support/subscriber';

const ROOT = join(__dirname, '../..');
/** The flags this machine's closed network needs: no GPU, no QUIC, no calls home. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A deployment whose predictor is at `url` and whose Trigger dead-letters to event-display (POST /dead-letters) after one retry. */
const DLQ = 'console-dlq';
function deadLetteringDeployment(url: string): object[] {
  return [
    ...predictorAt(DLQ, url, {
      delivery: {
        retry: 1,
        backoffPolicy: 'linear',
        backoffDelay: 'PT0.05S',
        deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' }, uri: '/dead-letters' },
      },
    }),
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: `${DLQ}-display`, namespace: 'default' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: `seldon.${DLQ}.default.response` } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } },
      },
    },
  ];
}

/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core): what a user
 * does on it, against the real services.
 */
describe.each(BACKENDS)('the console on the %s backend', (backend) => {
  // The dead-letter deployment's predictor: down (500) until the test brings it up, then the
  // model-server's answer.
  let predictorUp = false;
  const predictor = new TestSubscriber((req, res) => {
    if (!predictorUp) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":{"code":500,"info":"predictor down for the test","status":"FAILURE"}}');
    fetch(`${flow.services['model-server'].url}/api/v1.0/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: req.body }).then(
      async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()),
      () => res.writeHead(502).end(),
    );
  });
  let flow: Flow;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  /** Uncaught errors of the page's scripts: there must be none. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await predictor.start(PORT_BASE[backend] + 95);
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests(deadLetteringDeployment(`${predictor.url}/api/v1.0/predictions`)) });
    userDataDir = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await flow?.stop();
    predictor.close();
  });

  const tab = (name: string) => page.click(`nav button[data-tab="${name}"]`);

  it('opens at / for a browser, connected to the event stream', async () => {
    await page.goto(`${flow.display}/`);
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.waitForSelector('#stream-state.live', { timeout: 10_000 });
  });

  it('sends the seed request from the Send form and shows its response, three probabilities, within 2 seconds', async () => {
    await tab('send');
    await page.waitForSelector('#send-deployment option[value="default/iris-deployment"]', { state: 'attached' });
    expect(await page.inputValue('#send-deployment')).toBe('default/iris-deployment');
    expect(JSON.parse(await page.inputValue('#send-payload'))).toEqual({ data: { ndarray: [[1, 2, 3, 4]] } });

    const clicked = Date.now();
    await page.click('#send-button');
    await page.waitForFunction(`document.querySelectorAll('#send-result .response .prediction tr.class').length === 3`, null, { timeout: 2000 });
    expect(Date.now() - clicked).toBeLessThan(2000);
    const puid = await page.getAttribute('#send-result .response', 'data-id');
    const rows = await page.$$eval('#send-result .prediction tr.class', (trs) => trs.map((tr) => [tr.querySelector('.name')!.textContent, Number(tr.querySelector('.p')!.textContent)]));
    expect(rows.map(([name]) => name)).toEqual(['t:0', 't:1', 't:2']);
    const probabilities = rows.map(([, p]) => p as number);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(Math.max(...probabilities)).toBe(probabilities[2]);

    // Live shows the request and its response, paired, with the time between.
    await tab('live');
    const response = page.locator(`#live-events .event.response[data-id="${puid}"]`);
    await response.waitFor();
    expect(await response.locator('.prediction tr.class').count()).toBe(3);
    expect(await response.locator('.pair').textContent()).toMatch(/^answers request [0-9a-f-]{36} after \d+ ms$/);
    expect(await page.locator('#live-events .event.request .pair').first().textContent()).toMatch(new RegExp(`^answered by ${puid} after \\d+ ms$`));
    if (backend === 'knative') await page.screenshot({ path: screenshot('console-live.png') });
  });

  it('shows the seed\'s two Triggers ready in Flow, with their deliveries counted', async () => {
    await tab('flow');
    for (const trigger of ['seldon-eventing-sklearn-trigger', 'event-display']) {
      await page.waitForSelector(`[data-trigger="${trigger}"].ready .status`);
      expect(await page.textContent(`[data-trigger="${trigger}"] .status`)).toBe('ready');
    }
    await page.waitForFunction(`Number(document.querySelector('[data-trigger="seldon-eventing-sklearn-trigger"] .delivered')?.textContent) >= 1`, null, { timeout: 10_000 });
    expect(await page.textContent('#flow-services')).not.toContain('unreachable');
    if (backend === 'knative') await page.screenshot({ path: screenshot('console-flow.png'), fullPage: true });
  });

  it('lists a dead-lettered request with its error decoded, and re-sends it once the predictor is up', async () => {
    await tab('send');
    await page.selectOption('#send-deployment', `default/${DLQ}`);
    await page.click('#send-button');
    await page.waitForSelector('#send-result [data-puid]');
    const puid = await page.getAttribute('#send-result [data-puid]', 'data-puid');

    await tab('dead-letters');
    const row = page.locator('#dead-letter-rows tr').filter({ hasText: `seldon.${DLQ}.default.request` });
    await row.waitFor({ timeout: 15_000 });
    // The predictor-router answers 502 for a failing predictor, with the predictor's body (docs/reliability.md).
    expect(await row.locator('.code').textContent()).toBe('502');
    expect(await row.locator('.errordata').textContent()).toContain('predictor down for the test');
    expect(await row.locator('td.data').first().textContent()).not.toBe('');
    expect(await page.textContent('#dead-letter-count')).toBe('1');

    predictorUp = true;
    await row.locator('button.resend').click();
    await page.waitForSelector('#no-dead-letters:not([hidden])');
    expect(await page.textContent('#resend-result')).toBe('re-sent 1');

    await tab('live');
    const response = page.locator(`#live-events .event.response[data-id="${puid}"]`);
    await response.waitFor({ timeout: 10_000 });
    expect(await response.locator('.prediction tr.class').count()).toBe(3);
    expect(pageErrors).toEqual([]);
  });
});

function screenshot(name: string): string {
  const dir = join(ROOT, 'docs/images');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
