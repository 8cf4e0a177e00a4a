import { SettingError, type Setting } from './setting';

/** Every value a group refused at once, so that one start-up shows all there is to fix. */
export class SettingsError extends Error {
  constructor(
    title: string,
    readonly problems: string[],
  ) {
    super(`${title}: ${problems.length === 1 ? 'a setting is' : `${problems.length} settings are`} wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Settings read together: the values they give, and their definitions for the README table. */
export class SettingsGroup<T> {
  readonly settings: Setting<unknown>[];

  constructor(
    readonly title: string,
    private readonly byKey: Record<string, Setting<unknown>>,
  ) {
    this.settings = Object.values(byKey);
  }

  /** Reads every setting; throws one SettingsError listing every bad value, not just the first. */
  read(env: NodeJS.ProcessEnv = process.env): T {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [key, setting] of Object.entries(this.byKey)) {
      try {
        values[key] = setting.read(env[setting.name]);
      } catch (err) {
        if (!(err instanceof SettingError)) throw err;
        problems.push(err.message);
      }
    }
    if (problems.length > 0) throw new SettingsError(this.title, problems);
    return values as T;
  }
}

export type SettingsOf<G> = G extends SettingsGroup<infer T> ? T : never;

/** Names a group of settings by the keys the code reads them under. */
export function defineSettings<S extends Record<string, Setting<unknown>>>(
  title: string,
  settings: S,
): SettingsGroup<{ [K in keyof S]: ReturnType<S[K]['read']> }> {
  return new SettingsGroup(title, settings);
}
