import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';

/** The services the console reaches besides event-display itself. */
export const CONSOLE_SERVICES = ['broker', 'ingress-adapter', 'predictor-router', 'response-publisher', 'kafka-dispatcher', 'event-display'] as const;
export type ConsoleService = (typeof CONSOLE_SERVICES)[number];

function parseServiceUrls(raw: string): Partial<Record<ConsoleService, URL>> {
  const urls: Partial<Record<ConsoleService, URL>> = {};
  for (const pair of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim() as ConsoleService;
    if (eq < 1 || !CONSOLE_SERVICES.includes(name)) throw new Error(`\`<service>=<url>\` pairs separated by commas, <service> one of ${CONSOLE_SERVICES.join(', ')}`);
    try {
      urls[name] = new URL(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`\`<service>=<url>\` pairs with absolute URLs ('${pair}' is not)`);
    }
  }
  return urls;
}

/** Where event-display's web console reaches the other services (Flow, Send, re-sending dead letters). */
export const consoleSettings = defineSettings('Console (event-display)', {
  services: setting.custom('CONSOLE_SERVICES', parseServiceUrls, {
    default: {},
    defaultText: 'each at `http://127.0.0.1:<its port>` (the Ports settings)',
    description:
      "where the console reaches the other services: their `/metrics` for Flow's counts, the ingress-adapter for Send; `<service>=<url>` pairs, e.g. `broker=http://broker-ingress.knative-eventing,ingress-adapter=http://ingress-adapter`",
  }),
  flowTimeoutMs: setting.int('CONSOLE_FLOW_TIMEOUT_MS', {
    default: 2000,
    min: 1,
    description: "how long the console's Flow waits for a service's `/metrics` before showing it as unreachable",
  }),
});

export type ConsoleSettings = SettingsOf<typeof consoleSettings>;
