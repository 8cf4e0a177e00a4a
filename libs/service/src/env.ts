import { defineSettings, setting } from '@seldon-eventing/settings';

// Deprecated: the callers left (broker.module, predictor-client, outcome.handler) move to their
// apps' settings groups; then this file goes.

/** @deprecated read the setting from its group in a `*.settings.ts` file. */
export function envInt(name: string, fallback: number, env?: NodeJS.ProcessEnv): number {
  return defineSettings(name, { value: setting.int(name, { default: fallback, min: 0, description: '' }) }).read(env).value;
}

/** @deprecated read the setting from its group in a `*.settings.ts` file. */
export function envString(name: string, fallback: string, env?: NodeJS.ProcessEnv): string {
  return defineSettings(name, { value: setting.string(name, { default: fallback, description: '' }) }).read(env).value;
}

/** @deprecated read the setting from its group in a `*.settings.ts` file. */
export function envList(name: string, fallback: string[], env?: NodeJS.ProcessEnv): string[] {
  return defineSettings(name, { value: setting.list(name, { default: fallback, description: '' }) }).read(env).value;
}
